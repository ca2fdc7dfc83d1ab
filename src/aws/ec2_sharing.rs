//! EC2 data-sharing surface, per region: the account's EBS snapshots with
//! their createVolumePermission, its AMIs with their launchPermission (one
//! attribute call per snapshot or image, started as its page arrives), and
//! the region's account-level settings (six calls, each unknown on its own).

use aws_sdk_ec2::types::{
    CreateVolumePermission, Filter, Image as SdkImage, ImageAttributeName, LaunchPermission,
    PermissionGroup, Snapshot as SdkSnapshot, SnapshotAttributeName,
};
use aws_sdk_ec2::Client;

use super::ec2::tags;
use super::pipeline::{as_listed, send_all, Items};
use super::{each_page, Ctx, Failure};
use crate::kinds::{
    EbsSnapshot, Image, MetadataDefaults, RegionSettings, Sharing, EC2_IMAGE, EC2_REGION_SETTINGS,
    EC2_SNAPSHOT,
};
use crate::model::{Fetched, Resource};

/// Snapshots the account owns. `OwnerIds=self` is what AWS applies; the
/// `owner-id` filter says the same for emulators that ignore it (moto lists
/// every public snapshot for `self`: 1,178 per region, 0.8 s each), and the
/// owner is checked once more, since each snapshot costs an attribute call.
pub(super) async fn snapshots(
    ctx: &Ctx,
    c: &Client,
    region: &str,
    account: &str,
) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<SdkSnapshot>| async move {
        let pages = c
            .describe_snapshots()
            .owner_ids("self")
            .filters(Filter::builder().name("owner-id").values(account).build())
            .max_results(1000)
            .into_paginator()
            .send();
        each_page(ctx, pages, |page| {
            let own = page
                .snapshots()
                .iter()
                .filter(|s| s.owner_id() == Some(account));
            send_all(&tx, own.cloned());
        })
        .await?;
        Ok(())
    };
    let (listed, read) = as_listed(listing, |s| async move {
        let id = s.snapshot_id()?.to_string();
        let shared_with = match ctx
            .call(
                c.describe_snapshot_attribute()
                    .snapshot_id(&id)
                    .attribute(SnapshotAttributeName::CreateVolumePermission)
                    .send(),
            )
            .await
        {
            Ok(o) => Fetched::Present(volume_sharing(o.create_volume_permissions())),
            Err(e) => super::gone_or_unknown(&e, &[]),
        };
        let attrs = EbsSnapshot {
            volume_id: s.volume_id().map(str::to_string),
            volume_size_gib: s.volume_size(),
            encrypted: s.encrypted().unwrap_or(false),
            kms_key_id: s.kms_key_id().map(str::to_string),
            state: s.state().map(|x| x.as_str().to_string()),
            description: s.description().map(str::to_string),
            shared_with,
            tags: tags(s.tags()),
        };
        let arn = format!("arn:aws:ec2:{region}::snapshot/{id}");
        Some(Resource::new(EC2_SNAPSHOT, region, id, Some(arn), &attrs))
    })
    .await;
    listed?;
    Ok(read.into_iter().flatten().collect())
}

/// AMIs the account owns (`Owners=self` is honoured by AWS and moto).
pub(super) async fn images(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<SdkImage>| async move {
        let pages = c
            .describe_images()
            .owners("self")
            .max_results(1000)
            .into_paginator()
            .send();
        each_page(ctx, pages, |page| {
            send_all(&tx, page.images().iter().cloned());
        })
        .await?;
        Ok(())
    };
    let (listed, read) = as_listed(listing, |i| async move {
        let id = i.image_id()?.to_string();
        let shared_with = match ctx
            .call(
                c.describe_image_attribute()
                    .image_id(&id)
                    .attribute(ImageAttributeName::LaunchPermission)
                    .send(),
            )
            .await
        {
            Ok(o) => Fetched::Present(launch_sharing(o.launch_permissions())),
            Err(e) => super::gone_or_unknown(&e, &[]),
        };
        let attrs = image(&i, shared_with);
        let arn = format!("arn:aws:ec2:{region}::image/{id}");
        Some(Resource::new(EC2_IMAGE, region, id, Some(arn), &attrs))
    })
    .await;
    listed?;
    Ok(read.into_iter().flatten().collect())
}

fn image(i: &SdkImage, shared_with: Fetched<Sharing>) -> Image {
    let mut snapshot_ids: Vec<String> = i
        .block_device_mappings()
        .iter()
        .filter_map(|b| b.ebs()?.snapshot_id().map(str::to_string))
        .collect();
    snapshot_ids.sort();
    snapshot_ids.dedup();
    Image {
        name: i.name().map(str::to_string),
        state: i.state().map(|s| s.as_str().to_string()),
        public: i.public().unwrap_or(false),
        creation_date: i.creation_date().map(str::to_string),
        deprecation_time: i.deprecation_time().map(str::to_string),
        snapshot_ids,
        shared_with,
        tags: tags(i.tags()),
    }
}

fn volume_sharing(perms: &[CreateVolumePermission]) -> Sharing {
    let mut s = Sharing {
        public: perms
            .iter()
            .any(|p| p.group() == Some(&PermissionGroup::All)),
        accounts: perms
            .iter()
            .filter_map(|p| p.user_id().map(str::to_string))
            .collect(),
        ..Sharing::default()
    };
    s.accounts.sort();
    s.accounts.dedup();
    s
}

fn launch_sharing(perms: &[LaunchPermission]) -> Sharing {
    let set = |f: fn(&LaunchPermission) -> Option<&str>| {
        let mut v: Vec<String> = perms
            .iter()
            .filter_map(|p| f(p).map(str::to_string))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    Sharing {
        public: perms
            .iter()
            .any(|p| p.group() == Some(&PermissionGroup::All)),
        accounts: set(LaunchPermission::user_id),
        organizations: set(LaunchPermission::organization_arn),
        organizational_units: set(LaunchPermission::organizational_unit_arn),
    }
}

/// The region's settings resource: always present, with each value known
/// or unknown on its own (a denied serial-console read must not hide the
/// snapshot block state).
pub(super) async fn region_settings(ctx: &Ctx, c: &Client, region: &str) -> Resource {
    let (enc, key, snap, img, serial, imds) = tokio::join!(
        ctx.call(c.get_ebs_encryption_by_default().send()),
        ctx.call(c.get_ebs_default_kms_key_id().send()),
        ctx.call(c.get_snapshot_block_public_access_state().send()),
        ctx.call(c.get_image_block_public_access_state().send()),
        ctx.call(c.get_serial_console_access_status().send()),
        ctx.call(c.get_instance_metadata_defaults().send()),
    );
    let attrs = RegionSettings {
        ebs_encryption_by_default: fetched(enc, |o| o.ebs_encryption_by_default()),
        ebs_default_kms_key: fetched(key, |o| o.kms_key_id().map(str::to_string)),
        snapshot_block_public_access: fetched(snap, |o| o.state().map(|s| s.as_str().to_string())),
        image_block_public_access: fetched(img, |o| {
            o.image_block_public_access_state().map(str::to_string)
        }),
        serial_console_access: fetched(serial, |o| o.serial_console_access_enabled()),
        metadata_defaults: fetched(imds, |o| {
            let d = o.account_level();
            Some(MetadataDefaults {
                http_tokens: d.and_then(|d| d.http_tokens()).map(|t| t.as_str().into()),
                http_put_response_hop_limit: d.and_then(|d| d.http_put_response_hop_limit()),
                http_endpoint: d.and_then(|d| d.http_endpoint()).map(|t| t.as_str().into()),
                instance_metadata_tags: d
                    .and_then(|d| d.instance_metadata_tags())
                    .map(|t| t.as_str().into()),
            })
        }),
    };
    Resource::new(EC2_REGION_SETTINGS, region, region, None, &attrs)
}

/// One settings call's answer: present, absent when the answer lacks it,
/// unknown (with the error code) when the call failed.
fn fetched<O, E, R, T>(
    res: Result<O, aws_smithy_runtime_api::client::result::SdkError<E, R>>,
    get: impl FnOnce(&O) -> Option<T>,
) -> Fetched<T>
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match res {
        Ok(o) => get(&o).map_or(Fetched::Absent, Fetched::Present),
        Err(e) => super::gone_or_unknown(&e, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{ec2_denied as denied, mock_ctx};
    use aws_sdk_ec2::operation::describe_snapshot_attribute::DescribeSnapshotAttributeOutput;
    use aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput;
    use aws_sdk_ec2::operation::get_ebs_default_kms_key_id::GetEbsDefaultKmsKeyIdOutput;
    use aws_sdk_ec2::operation::get_ebs_encryption_by_default::GetEbsEncryptionByDefaultOutput;
    use aws_sdk_ec2::operation::get_image_block_public_access_state::GetImageBlockPublicAccessStateOutput;
    use aws_sdk_ec2::operation::get_instance_metadata_defaults::GetInstanceMetadataDefaultsOutput;
    use aws_sdk_ec2::operation::get_serial_console_access_status::GetSerialConsoleAccessStatusOutput;
    use aws_sdk_ec2::types::{HttpTokensState, InstanceMetadataDefaultsResponse};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    use crate::model::CoverageStatus;

    #[tokio::test]
    async fn each_region_setting_is_unknown_on_its_own() {
        let enc = mock!(Client::get_ebs_encryption_by_default).then_output(|| {
            GetEbsEncryptionByDefaultOutput::builder()
                .ebs_encryption_by_default(false)
                .build()
        });
        let key = mock!(Client::get_ebs_default_kms_key_id).then_output(|| {
            GetEbsDefaultKmsKeyIdOutput::builder()
                .kms_key_id("arn:aws:kms:us-east-1:1:alias/aws/ebs")
                .build()
        });
        let snap = mock!(Client::get_snapshot_block_public_access_state).then_http_response(denied);
        let img = mock!(Client::get_image_block_public_access_state).then_output(|| {
            GetImageBlockPublicAccessStateOutput::builder()
                .image_block_public_access_state("unblocked")
                .build()
        });
        let serial = mock!(Client::get_serial_console_access_status).then_output(|| {
            GetSerialConsoleAccessStatusOutput::builder()
                .serial_console_access_enabled(true)
                .build()
        });
        let imds = mock!(Client::get_instance_metadata_defaults).then_output(|| {
            GetInstanceMetadataDefaultsOutput::builder()
                .account_level(
                    InstanceMetadataDefaultsResponse::builder()
                        .http_tokens(HttpTokensState::Required)
                        .build(),
                )
                .build()
        });
        let c = mock_client!(
            aws_sdk_ec2,
            RuleMode::MatchAny,
            &[&enc, &key, &snap, &img, &serial, &imds]
        );
        let r = region_settings(&mock_ctx().await, &c, "us-east-1").await;
        assert_eq!(r.id(), "ec2.region_settings/us-east-1/us-east-1");
        let a: RegionSettings = serde_json::from_value(serde_json::Value::clone(&r.attrs)).unwrap();
        assert_eq!(
            a.snapshot_block_public_access,
            Fetched::Unknown("UnauthorizedOperation".into())
        );
        assert_eq!(a.ebs_encryption_by_default, Fetched::Present(false));
        assert_eq!(
            a.image_block_public_access,
            Fetched::Present("unblocked".into())
        );
        assert_eq!(a.serial_console_access, Fetched::Present(true));
        let d = a.metadata_defaults.as_option().unwrap();
        assert_eq!(d.http_tokens.as_deref(), Some("required"));
    }

    fn snapshot(id: &str, owner: &str) -> SdkSnapshot {
        SdkSnapshot::builder()
            .snapshot_id(id)
            .owner_id(owner)
            .volume_id("vol-1")
            .encrypted(false)
            .build()
    }

    #[tokio::test]
    async fn only_own_snapshots_are_read_and_a_denied_attribute_is_unknown() {
        let list = mock!(Client::describe_snapshots).then_output(|| {
            DescribeSnapshotsOutput::builder()
                .snapshots(snapshot("snap-mine", "111122223333"))
                .snapshots(snapshot("snap-public-of-another", "999988887777"))
                .snapshots(snapshot("snap-denied", "111122223333"))
                .build()
        });
        let shared = mock!(Client::describe_snapshot_attribute)
            .match_requests(|r| r.snapshot_id() == Some("snap-mine"))
            .then_output(|| {
                DescribeSnapshotAttributeOutput::builder()
                    .create_volume_permissions(
                        CreateVolumePermission::builder()
                            .user_id("999988887777")
                            .build(),
                    )
                    .create_volume_permissions(
                        CreateVolumePermission::builder()
                            .group(PermissionGroup::All)
                            .build(),
                    )
                    .build()
            });
        let refused = mock!(Client::describe_snapshot_attribute)
            .match_requests(|r| r.snapshot_id() == Some("snap-denied"))
            .then_http_response(denied);
        let c = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&list, &shared, &refused]);
        let mut got = snapshots(&mock_ctx().await, &c, "us-east-1", "111122223333")
            .await
            .unwrap();
        got.sort_by_key(|r| r.native_id.clone());
        let ids: Vec<&str> = got.iter().map(|r| r.native_id.as_str()).collect();
        assert_eq!(ids, ["snap-denied", "snap-mine"]);
        let denied: EbsSnapshot =
            serde_json::from_value(serde_json::Value::clone(&got[0].attrs)).unwrap();
        assert!(denied.shared_with.is_unknown());
        let mine: EbsSnapshot =
            serde_json::from_value(serde_json::Value::clone(&got[1].attrs)).unwrap();
        let s = mine.shared_with.as_option().unwrap();
        assert!(s.public);
        assert_eq!(s.accounts, ["999988887777"]);
    }

    #[tokio::test]
    async fn a_denied_snapshot_listing_fails_the_region_never_empties_it() {
        let list = mock!(Client::describe_snapshots).then_http_response(denied);
        let c = mock_client!(aws_sdk_ec2, RuleMode::Sequential, &[&list]);
        let f = snapshots(&mock_ctx().await, &c, "us-east-1", "111122223333")
            .await
            .unwrap_err();
        assert_eq!(f.status, CoverageStatus::Denied);
        assert_eq!(f.code, "UnauthorizedOperation");
    }
}
