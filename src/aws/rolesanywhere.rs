//! IAM Roles Anywhere, per region: trust anchors (ListTrustAnchors) and
//! profiles (ListProfiles), both paginated and complete in their pages. A
//! trust anchor's certificate bundle is kept as the SHA-256 fingerprint of
//! its first certificate, the form `openssl x509 -fingerprint -sha256` and
//! `[checks] trusted_cas` use.

use aws_sdk_rolesanywhere::types::{ProfileDetail, SourceData, TrustAnchorDetail};
use aws_sdk_rolesanywhere::Client;
use sha2::{Digest, Sha256};

use super::{each_page, Ctx, Failure, Part};
use crate::kinds::{Profile, TrustAnchor, RA_PROFILE, TRUST_ANCHOR};
use crate::model::Resource;

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "rolesanywhere",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[
        &crate::kinds::TRUST_ANCHOR_KIND,
        &crate::kinds::PROFILE_KIND,
    ],
    actions: &[
        "rolesanywhere:ListProfiles",
        "rolesanywhere:ListTrustAnchors",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_rolesanywhere, ctx, region);
    let (anchors, profiles) = tokio::join!(anchors(ctx, &c, region), profiles(ctx, &c, region));
    Part::of_lists("rolesanywhere", region, [anchors, profiles])
}

async fn anchors(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let mut out = Vec::new();
    let pages = c.list_trust_anchors().into_paginator().send();
    each_page(ctx, pages, |page| {
        out.extend(
            page.trust_anchors()
                .iter()
                .filter_map(|t| anchor(t, region)),
        );
    })
    .await?;
    Ok(out)
}

fn anchor(t: &TrustAnchorDetail, region: &str) -> Option<Resource> {
    let source = t.source();
    let ca = match source.and_then(|s| s.source_data()) {
        Some(SourceData::AcmPcaArn(arn)) => Some(arn.clone()),
        Some(SourceData::X509CertificateData(pem)) => fingerprint(pem),
        _ => None,
    };
    let attrs = TrustAnchor {
        name: t.name().unwrap_or_default().to_string(),
        enabled: t.enabled().unwrap_or(false),
        source_type: source
            .and_then(|s| s.source_type())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        ca,
    };
    let arn = t.trust_anchor_arn().map(str::to_string);
    Some(Resource::new(
        TRUST_ANCHOR,
        region,
        t.trust_anchor_id()?,
        arn,
        &attrs,
    ))
}

/// `sha256:<hex>` of the first PEM certificate's DER bytes.
pub(crate) fn fingerprint(pem: &str) -> Option<String> {
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .map(str::trim)
        .collect();
    let der = aws_smithy_types::base64::decode(body)
        .ok()
        .filter(|d| !d.is_empty())?;
    let hex: String = Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Some(format!("sha256:{hex}"))
}

async fn profiles(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let mut out = Vec::new();
    let pages = c.list_profiles().into_paginator().send();
    each_page(ctx, pages, |page| {
        out.extend(page.profiles().iter().filter_map(|p| profile(p, region)));
    })
    .await?;
    Ok(out)
}

fn profile(p: &ProfileDetail, region: &str) -> Option<Resource> {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    let attrs = Profile {
        name: p.name().unwrap_or_default().to_string(),
        enabled: p.enabled().unwrap_or(false),
        role_arns: sorted(p.role_arns()),
        managed_policy_arns: sorted(p.managed_policy_arns()),
        session_policy: p.session_policy().map(|t| {
            crate::model::policy::parse_document(t)
                .unwrap_or_else(|_| serde_json::Value::String(t.to_string()))
        }),
        duration_seconds: p.duration_seconds(),
        require_instance_properties: p.require_instance_properties(),
        accept_role_session_name: p.accept_role_session_name(),
    };
    let arn = p.profile_arn().map(str::to_string);
    Some(Resource::new(
        RA_PROFILE,
        region,
        p.profile_id()?,
        arn,
        &attrs,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_rolesanywhere::operation::list_profiles::ListProfilesError;
    use aws_sdk_rolesanywhere::operation::list_trust_anchors::ListTrustAnchorsOutput;
    use aws_sdk_rolesanywhere::types::Source;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    /// A tiny self-signed certificate (openssl, P-256) and the fingerprint
    /// `openssl x509 -noout -fingerprint -sha256` gives for it.
    const PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBdjCCAR2gAwIBAgIUMkSk6qZDw6SJA2fM7dACDBAvj9QwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGdGVzdGNhMB4XDTI2MTEyODE0MTcxNloXDTM2MTEyNTE0MTcx
NlowETEPMA0GA1UEAwwGdGVzdGNhMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
C2Fw46Te3wPzjqOPtNqOG0AqNx7PpN5IsSyXXdAgVTaR7jtlsYU1Ks2XeK5SMgds
4pbsb7YEvZahxesX2kCCH6NTMFEwHQYDVR0OBBYEFJItfrT6iTWNl8+4Ohwh1u3N
IQMZMB8GA1UdIwQYMBaAFJItfrT6iTWNl8+4Ohwh1u3NIQMZMA8GA1UdEwEB/wQF
MAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgZ0thNFGwxdW2laQmPTXqyOPZN/HK6foU
mWM0Ohw0nMYCIGByva8buYYEHGJm/64LaPh2nIkHMZMCn0S16QWLeQg0
-----END CERTIFICATE-----";

    #[test]
    fn a_bundle_is_known_by_its_first_certificates_der_digest() {
        let fp = fingerprint(PEM).unwrap();
        assert_eq!(
            fp,
            "sha256:91d95a3ce511b6e6ae96170088bd8c34f7510357a17a1ce95576c662e3058ba1"
        );
        // The same bytes with other line breaks and a second certificate
        // after it: the same fingerprint.
        let again = format!("{}\n{PEM}\n", PEM.replace('\n', "\r\n"));
        assert_eq!(fingerprint(&again).unwrap(), fp);
        assert_eq!(fingerprint("not a certificate"), None);
    }

    /// Profiles denied, anchors read: the anchors are kept and the unit's
    /// coverage says denied, so diff reads no profile as deleted.
    #[tokio::test]
    async fn a_denied_list_is_coverage_and_the_other_list_is_kept() {
        let anchor_list = mock!(Client::list_trust_anchors).then_output(|| {
            ListTrustAnchorsOutput::builder()
                .trust_anchors(
                    TrustAnchorDetail::builder()
                        .trust_anchor_id("ta-1")
                        .name("corp")
                        .enabled(true)
                        .source(
                            Source::builder()
                                .source_type(
                                    aws_sdk_rolesanywhere::types::TrustAnchorType::AwsAcmPca,
                                )
                                .source_data(SourceData::AcmPcaArn(
                                    "arn:aws:acm-pca:us-east-1:1:certificate-authority/x".into(),
                                ))
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
        let profile_list = mock!(Client::list_profiles).then_error(|| {
            ListProfilesError::generic(
                ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .build(),
            )
        });
        let c = mock_client!(
            aws_sdk_rolesanywhere,
            RuleMode::MatchAny,
            &[&anchor_list, &profile_list]
        );
        let ctx = mock_ctx().await;
        let (a, p) = tokio::join!(
            anchors(&ctx, &c, "us-east-1"),
            profiles(&ctx, &c, "us-east-1")
        );
        let part = Part::of_lists("rolesanywhere", "us-east-1", [a, p]);
        assert_eq!(part.resources.len(), 1);
        assert_eq!(
            part.resources[0].attrs["ca"],
            "arn:aws:acm-pca:us-east-1:1:certificate-authority/x"
        );
        assert_eq!(
            part.coverage[0].status,
            crate::model::CoverageStatus::Denied
        );
    }
}
