//! Many accounts: which ones (Organizations ListAccounts, or the accounts
//! under organizational units), and a way into each by assuming a role
//! with the first hop's credentials (the standard chain). The SDK's
//! AssumeRole provider refreshes the role's credentials before they
//! expire, so a long run never reads with expired ones.

use aws_config::SdkConfig;
use aws_sdk_organizations::types::{AccountState, AccountStatus};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_runtime_api::client::result::SdkError;

use super::{classify, each_page, AwsError, AwsOptions, Ctx, Failure, Session};
use crate::model::{Coverage, CoverageStatus, GLOBAL};

/// An account of the run, with its name when Organizations gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub name: Option<String>,
}

/// The first hop: the identity the standard chain gives, from which every
/// account's role is assumed.
pub struct FirstHop {
    sdk: SdkConfig,
    opts: AwsOptions,
    /// The account the first hop's credentials are for: read with them,
    /// as the role to assume rarely exists there.
    pub account: String,
    /// Who the first hop is (recorded as the approver).
    pub caller_arn: String,
    /// The first hop's own calls (identity, listing the accounts).
    counter: super::CallCounter,
}

/// The credentials and settings of one account, opaque outside `aws`.
#[derive(Clone)]
pub struct Access(pub(crate) SdkConfig);

impl Session {
    /// This session's access, for reading its account's events.
    pub fn access(&self) -> Access {
        Access(self.ctx.sdk.clone())
    }
}

/// How an account is reached.
pub struct RoleSpec<'a> {
    pub name: &'a str,
    pub external_id: Option<&'a str>,
}

impl FirstHop {
    pub async fn connect(opts: &AwsOptions) -> Result<FirstHop, AwsError> {
        FirstHop::with_sdk(opts, super::load_sdk_config(opts).await).await
    }

    /// The first hop on a configuration already loaded (a caller's own
    /// credentials, as [`Session::with_sdk`] takes them).
    pub async fn with_sdk(
        opts: &AwsOptions,
        sdk: aws_config::SdkConfig,
    ) -> Result<FirstHop, AwsError> {
        let session = Session::with_sdk(opts, sdk).await?;
        Ok(FirstHop {
            sdk: session.ctx.sdk.clone(),
            // One bar for the run's accounts, not one per account.
            opts: AwsOptions {
                progress: false,
                ..opts.clone()
            },
            account: session.account,
            caller_arn: session.caller_arn,
            counter: session.ctx.counter.clone(),
        })
    }

    /// The first hop's calls so far by `Service.Operation`: what
    /// `iam/driftwatch-organization.json` must grant.
    pub fn operations(&self) -> std::collections::BTreeMap<String, u64> {
        self.counter.by_op.lock().expect("counter lock").clone()
    }

    /// The first hop's access (reading an organization trail's bucket,
    /// which member roles usually cannot).
    pub fn first_hop(&self) -> Access {
        Access(self.sdk.clone())
    }

    /// Active accounts of the organization, or of the given units and the
    /// units below them, by id.
    pub async fn members(&self, ous: &[String]) -> Result<Vec<Member>, AwsError> {
        let ctx = Ctx {
            counter: self.counter.clone(),
            ..Ctx::with_sdk(&self.opts, self.sdk.clone())
        };
        let ctx = ctx.limited("organizations", GLOBAL);
        let c = aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(&ctx.sdk)
                .interceptor(ctx.counter.clone())
                .build(),
        );
        let listed = if ous.is_empty() {
            list_all(&ctx, &c).await
        } else {
            list_under(&ctx, &c, ous).await
        };
        let mut members =
            listed.map_err(|f| AwsError::Accounts(format!("{}: {}", f.code, f.message)))?;
        members.sort_by(|a, b| a.id.cmp(&b.id));
        members.dedup_by(|a, b| a.id == b.id);
        Ok(members)
    }

    /// A session in `account`: the first hop's own for its own account,
    /// else the assumed role's. `Err` is the coverage entry that says why
    /// the account could not be reached.
    pub async fn session(&self, account: &str, role: &RoleSpec<'_>) -> Result<Session, Coverage> {
        if account == self.account {
            return Session::identify(&self.opts, self.sdk.clone())
                .await
                .map_err(|e| unreachable(account, role, refused(&e)));
        }
        let arn = role_arn(&self.sdk, account, role.name);
        let mut p = aws_config::sts::AssumeRoleProvider::builder(&arn)
            .session_name("driftwatch")
            .configure(&self.sdk);
        if let Some(id) = role.external_id {
            p = p.external_id(id);
        }
        let sdk = self
            .sdk
            .to_builder()
            .credentials_provider(aws_types::sdk_config::SharedCredentialsProvider::new(
                p.build().await,
            ))
            .build();
        let s = Session::identify(&self.opts, sdk)
            .await
            .map_err(|e| unreachable(account, role, refused(&e)))?;
        if s.account != account {
            return Err(unreachable(
                account,
                role,
                Failure {
                    status: CoverageStatus::Error,
                    code: "WrongAccount".into(),
                    message: format!("the role's credentials are for account {}", s.account),
                },
            ));
        }
        Ok(s)
    }
}

/// `arn:PARTITION:iam::ACCOUNT:role/NAME`, in the partition the run signs in.
fn role_arn(sdk: &SdkConfig, account: &str, name: &str) -> String {
    let region = sdk.region().map(|r| r.as_ref()).unwrap_or("us-east-1");
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    format!("arn:{partition}:iam::{account}:role/{name}")
}

fn unreachable(account: &str, role: &RoleSpec<'_>, f: Failure) -> Coverage {
    Coverage {
        message: Some(format!(
            "cannot reach account {account} as role {}: {}",
            role.name, f.message
        )),
        ..f.coverage(crate::model::ACCOUNT_ACCESS, GLOBAL)
    }
}

/// Why an identity could not be established: AssumeRole's own error when
/// the role was refused (it sits among the sources of the credential
/// error), else the identity call's.
fn refused<E, R>(e: &SdkError<E, R>) -> Failure
where
    E: aws_sdk_sts::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    type Assume = SdkError<AssumeRoleError, aws_smithy_runtime_api::http::Response>;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(a) = err.downcast_ref::<Assume>() {
            return classify(a);
        }
        cur = err.source();
    }
    classify(e)
}

fn active(a: &aws_sdk_organizations::types::Account) -> bool {
    match a.state() {
        Some(s) => *s == AccountState::Active,
        #[allow(deprecated)]
        None => a.status() == Some(&AccountStatus::Active),
    }
}

fn member(a: &aws_sdk_organizations::types::Account) -> Option<Member> {
    Some(Member {
        id: a.id()?.to_string(),
        name: a.name().map(str::to_string),
    })
    .filter(|_| active(a))
}

async fn list_all(ctx: &Ctx, c: &aws_sdk_organizations::Client) -> Result<Vec<Member>, Failure> {
    let pages = c.list_accounts().into_paginator().send();
    let mut out = Vec::new();
    each_page(ctx, pages, |p| {
        out.extend(p.accounts().iter().filter_map(member));
    })
    .await?;
    Ok(out)
}

/// Accounts under each unit, depth first through its child units.
async fn list_under(
    ctx: &Ctx,
    c: &aws_sdk_organizations::Client,
    ous: &[String],
) -> Result<Vec<Member>, Failure> {
    let mut todo: Vec<String> = ous.to_vec();
    let mut out = Vec::new();
    while let Some(parent) = todo.pop() {
        let pages = c
            .list_accounts_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send();
        each_page(ctx, pages, |p| {
            out.extend(p.accounts().iter().filter_map(member));
        })
        .await?;
        let mut units = c
            .list_organizational_units_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send();
        while let Some(p) = ctx.call(units.try_next()).await.map_err(|e| classify(&e))? {
            todo.extend(
                p.organizational_units()
                    .iter()
                    .filter_map(|u| u.id().map(str::to_string)),
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Each account's context has its own request slots and rate buckets:
    /// one account's scan never waits on another's quota.
    #[tokio::test]
    async fn each_account_has_its_own_limits() {
        let opts = AwsOptions {
            endpoint_url: Some("http://127.0.0.1:9".into()),
            regions: vec!["us-east-1".into()],
            ..Default::default()
        };
        let sdk = super::super::load_sdk_config(&opts).await;
        let (a, b) = (Ctx::with_sdk(&opts, sdk.clone()), Ctx::with_sdk(&opts, sdk));
        assert!(!Arc::ptr_eq(&a.sem, &b.sem));
        let bucket = |c: &Ctx| c.limited("ec2", "us-east-1").bucket.unwrap();
        assert!(!Arc::ptr_eq(&bucket(&a), &bucket(&b)));
        // Within one account, every call to a service and region shares one.
        assert!(Arc::ptr_eq(&bucket(&a), &bucket(&a)));
    }

    #[test]
    fn the_role_is_in_the_runs_partition() {
        let sdk = |r: &'static str| {
            SdkConfig::builder()
                .region(aws_config::Region::from_static(r))
                .build()
        };
        assert_eq!(
            role_arn(&sdk("eu-west-1"), "111122223333", "audit/ReadOnly"),
            "arn:aws:iam::111122223333:role/audit/ReadOnly"
        );
        assert_eq!(
            role_arn(&sdk("cn-north-1"), "1", "R"),
            "arn:aws-cn:iam::1:role/R"
        );
        assert_eq!(
            role_arn(&sdk("us-gov-west-1"), "1", "R"),
            "arn:aws-us-gov:iam::1:role/R"
        );
    }
}
