//! EC2: enabled regions, and per region the instances, Elastic IPs,
//! security groups (rules flattened into a sorted set), customer-managed
//! prefix lists (`ec2_prefix_list.rs`), VPCs and flow logs (`ec2_vpc.rs`),
//! snapshots, AMIs and the region's settings (`ec2_sharing.rs`).

use aws_config::Region;
use aws_sdk_ec2::types::{
    Instance as SdkInstance, InstanceAttributeName, IpPermission,
    SecurityGroup as SdkSecurityGroup, Tag,
};
use aws_sdk_ec2::Client;

use super::pipeline::{as_listed, send_all, Items};
use super::services::{ReadingOne, Unit};
use super::{classify, each_page, gone_or_unknown, ts, Ctx, Failure, Part};
use crate::kinds::{
    self, ElasticIp, Instance, MetadataOptions, Rule, SecurityGroup, Source, UserData,
};
use crate::model::{Fetched, Resource, Tags};

fn client(ctx: &Ctx, region: Option<&str>) -> Client {
    let mut conf = aws_sdk_ec2::config::Builder::from(&ctx.sdk).interceptor(ctx.counter.clone());
    if let Some(r) = region {
        conf = conf.region(Region::new(r.to_string()));
    }
    Client::from_conf(conf.build())
}

/// Regions enabled for this account with their opt-in status
/// (DescribeRegions without AllRegions returns exactly those).
pub(super) async fn enabled_regions(
    ctx: &Ctx,
    region: Option<&str>,
) -> Result<Vec<super::EnabledRegion>, Failure> {
    let c = client(ctx, region);
    let out = ctx
        .call(c.describe_regions().send())
        .await
        .map_err(|e| classify(&e))?;
    let mut regions: Vec<super::EnabledRegion> = out
        .regions()
        .iter()
        .filter_map(|r| {
            Some((
                r.region_name()?.to_string(),
                r.opt_in_status().map(str::to_string),
            ))
        })
        .collect();
    regions.sort();
    regions.dedup();
    Ok(regions)
}

pub(super) fn tags(t: &[Tag]) -> Tags {
    t.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "ec2",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 50),
    kinds: &[
        &crate::kinds::INSTANCE_KIND,
        &crate::kinds::ELASTIC_IP_KIND,
        &crate::kinds::SECURITY_GROUP_KIND,
        &crate::kinds::VPC_KIND,
        &crate::kinds::FLOW_LOG_KIND,
        &crate::kinds::PREFIX_LIST_KIND,
        &crate::kinds::SNAPSHOT_KIND,
        &crate::kinds::IMAGE_KIND,
        &crate::kinds::REGION_SETTINGS_KIND,
    ],
    actions: &[
        "ec2:DescribeAddresses",
        "ec2:DescribeFlowLogs",
        "ec2:DescribeImageAttribute",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceAttribute",
        "ec2:DescribeInstances",
        "ec2:DescribeManagedPrefixLists",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSnapshotAttribute",
        "ec2:DescribeSnapshots",
        "ec2:DescribeVpcs",
        "ec2:GetEbsDefaultKmsKeyId",
        "ec2:GetEbsEncryptionByDefault",
        "ec2:GetImageBlockPublicAccessState",
        "ec2:GetInstanceMetadataDefaults",
        "ec2:GetManagedPrefixListEntries",
        "ec2:GetSerialConsoleAccessStatus",
        "ec2:GetSnapshotBlockPublicAccessState",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region, u.account)),
    readers: &[
        (kinds::EC2_SECURITY_GROUP, read_security_group),
        (kinds::EC2_INSTANCE, read_instance),
    ],
};

/// Collects one region. The lists are independent, so they run
/// concurrently; each records its own failure without hiding the others.
pub(super) async fn collect_region(ctx: &Ctx, region: &str, account: &str) -> Part {
    use super::{ec2_prefix_list, ec2_sharing, ec2_vpc};
    let c = client(ctx, Some(region));
    let (inst, eips, sgs, pls, vpcs, flows, snaps, images, settings) = tokio::join!(
        instances(ctx, &c, region),
        addresses(ctx, &c, region),
        security_groups(ctx, &c, region),
        ec2_prefix_list::prefix_lists(ctx, &c, region),
        ec2_vpc::vpcs(ctx, &c, region),
        ec2_vpc::flow_logs(ctx, &c, region),
        ec2_sharing::snapshots(ctx, &c, region, account),
        ec2_sharing::images(ctx, &c, region),
        ec2_sharing::region_settings(ctx, &c, region),
    );
    let mut part = Part::of_lists(
        "ec2",
        region,
        [inst, eips, sgs, pls, vpcs, flows, snaps, images],
    );
    part.resources.push(settings);
    part
}

/// Instances, each with its user data read as its page arrives.
async fn instances(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<(SdkInstance, Option<String>)>| async move {
        let pages = c
            .describe_instances()
            .max_results(1000)
            .into_paginator()
            .send();
        // One permit per page: the paginator sends a request in each try_next.
        each_page(ctx, pages, |page| {
            for res in page.reservations() {
                let owner = res.owner_id().map(str::to_string);
                send_all(
                    &tx,
                    res.instances().iter().map(|i| (i.clone(), owner.clone())),
                );
            }
        })
        .await?;
        Ok(())
    };
    let (listed, read) = as_listed(listing, |(i, owner)| async move {
        let mut r = instance(&i, region, owner.as_deref())?;
        // Terminated instances were dropped above: no call for them; nor
        // for one running since the baseline (carry.rs).
        let carried = ctx.carry.user_data(
            region,
            &r.native_id,
            r.attrs["state"].as_str().unwrap_or_default(),
            r.attrs["launch_time"].as_str(),
        );
        r.attrs["user_data"] = match carried {
            Some(data) => data,
            None => serde_json::to_value(user_data(ctx, c, &r.native_id).await).unwrap_or_default(),
        };
        Some(r)
    })
    .await;
    listed?;
    Ok(read.into_iter().flatten().collect())
}

/// An instance's user data as driftwatch keeps it: digest, size and
/// secret hints. The text itself is dropped here.
async fn user_data(ctx: &Ctx, c: &Client, id: &str) -> Fetched<UserData> {
    let call = c
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(InstanceAttributeName::UserData);
    let out = match ctx.call(call.send()).await {
        Ok(o) => o,
        Err(e) => return super::gone_or_unknown(&e, &[]),
    };
    let Some(b64) = out
        .user_data()
        .and_then(|v| v.value())
        .filter(|v| !v.is_empty())
    else {
        return Fetched::Absent;
    };
    match aws_smithy_types::base64::decode(b64) {
        Ok(raw) => Fetched::Present(digest(&raw)),
        Err(_) => Fetched::Unknown("UnreadableUserData".into()),
    }
}

fn digest(raw: &[u8]) -> UserData {
    use sha2::Digest;
    let gzip = raw.starts_with(&[0x1f, 0x8b]);
    let text = if gzip {
        let mut s = String::new();
        // User data is at most 16 KB; a stream that inflates past 1 MiB is
        // scanned that far (a bomb must not hold the run). A corrupt one is
        // scanned as far as it reads.
        let mut d = std::io::Read::take(flate2::read::GzDecoder::new(raw), 1 << 20);
        let _ = std::io::Read::read_to_string(&mut d, &mut s);
        s
    } else {
        String::from_utf8_lossy(raw).into_owned()
    };
    UserData {
        sha256: format!("{:x}", sha2::Sha256::digest(raw)),
        bytes: raw.len(),
        gzip,
        secrets: crate::secrets::scan(&text),
    }
}

fn instance(i: &SdkInstance, region: &str, owner: Option<&str>) -> Option<Resource> {
    let id = i.instance_id()?;
    let state = i
        .state()
        .and_then(|s| s.name())
        .map(|n| n.as_str().to_string())
        .unwrap_or_default();
    // Terminated instances linger in DescribeInstances for about an hour; for
    // drift they are gone, and reporting them as "removed" is what users expect.
    if state == "terminated" {
        return None;
    }
    let mut sgs: Vec<String> = i
        .security_groups()
        .iter()
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect();
    sgs.sort();
    sgs.dedup();
    let attrs = Instance {
        instance_type: i
            .instance_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        state,
        image_id: i.image_id().map(str::to_string),
        launch_time: i.launch_time().map(ts),
        vpc_id: i.vpc_id().map(str::to_string),
        subnet_id: i.subnet_id().map(str::to_string),
        public_ip: i.public_ip_address().map(str::to_string),
        private_ip: i.private_ip_address().map(str::to_string),
        security_groups: sgs,
        iam_instance_profile: i
            .iam_instance_profile()
            .and_then(|p| p.arn())
            .map(str::to_string),
        metadata_options: i.metadata_options().map(|m| MetadataOptions {
            http_tokens: m.http_tokens().map(|t| t.as_str().to_string()),
            http_endpoint: m.http_endpoint().map(|t| t.as_str().to_string()),
            http_put_response_hop_limit: m.http_put_response_hop_limit(),
        }),
        user_data: Fetched::Absent,
        tags: tags(i.tags()),
    };
    let arn = owner.map(|o| format!("arn:aws:ec2:{region}:{o}:instance/{id}"));
    Some(Resource::new(kinds::EC2_INSTANCE, region, id, arn, &attrs))
}

async fn addresses(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    // DescribeAddresses is not paginated: it returns every address at once.
    let out = ctx
        .call(c.describe_addresses().send())
        .await
        .map_err(|e| classify(&e))?;
    Ok(out
        .addresses()
        .iter()
        .filter_map(|a| {
            let id = a.allocation_id().or(a.public_ip())?;
            let attrs = ElasticIp {
                public_ip: a.public_ip().map(str::to_string),
                domain: a.domain().map(|d| d.as_str().to_string()),
                instance_id: a
                    .instance_id()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                association_id: a.association_id().map(str::to_string),
                network_interface_id: a.network_interface_id().map(str::to_string),
                private_ip: a.private_ip_address().map(str::to_string),
                tags: tags(a.tags()),
            };
            Some(Resource::new(
                kinds::EC2_ELASTIC_IP,
                region,
                id,
                None,
                &attrs,
            ))
        })
        .collect())
}

async fn security_groups(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let mut out = Vec::new();
    let pages = c
        .describe_security_groups()
        .max_results(1000)
        .into_paginator()
        .send();
    each_page(ctx, pages, |page| {
        out.extend(
            page.security_groups()
                .iter()
                .filter_map(|g| security_group(g, region)),
        );
    })
    .await?;
    Ok(out)
}

fn security_group(g: &SdkSecurityGroup, region: &str) -> Option<Resource> {
    let id = g.group_id()?;
    let attrs = SecurityGroup {
        name: g.group_name().unwrap_or_default().to_string(),
        description: g.description().map(str::to_string),
        vpc_id: g.vpc_id().map(str::to_string),
        owner_id: g.owner_id().map(str::to_string),
        ingress: rules(g.ip_permissions()),
        egress: rules(g.ip_permissions_egress()),
        tags: tags(g.tags()),
    };
    let arn = g
        .owner_id()
        .map(|o| format!("arn:aws:ec2:{region}:{o}:security-group/{id}"));
    Some(Resource::new(
        kinds::EC2_SECURITY_GROUP,
        region,
        id,
        arn,
        &attrs,
    ))
}

/// One group by id (DescribeSecurityGroups with its id).
fn read_security_group<'a>(u: &'a Unit<'a>, id: &'a str) -> ReadingOne<'a> {
    Box::pin(group_alone(
        &u.ctx,
        client(&u.ctx, Some(u.region)),
        u.region,
        id,
    ))
}

async fn group_alone(ctx: &Ctx, c: Client, region: &str, id: &str) -> Fetched<Resource> {
    let call = c.describe_security_groups().group_ids(id);
    match ctx.call(call.send()).await {
        Ok(out) => out
            .security_groups()
            .iter()
            .find_map(|g| security_group(g, region))
            .map_or(Fetched::Absent, Fetched::Present),
        Err(e) => gone_or_unknown(&e, &["InvalidGroup.NotFound", "InvalidGroupId.Malformed"]),
    }
}

/// One instance by id (DescribeInstances with its id), with its user data;
/// a terminated one is gone, as in the listing.
fn read_instance<'a>(u: &'a Unit<'a>, id: &'a str) -> ReadingOne<'a> {
    Box::pin(async move {
        let c = client(&u.ctx, Some(u.region));
        let call = c.describe_instances().instance_ids(id);
        let out = match u.ctx.call(call.send()).await {
            Ok(o) => o,
            Err(e) => {
                return gone_or_unknown(
                    &e,
                    &["InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"],
                )
            }
        };
        let found = out.reservations().iter().find_map(|res| {
            let owner = res.owner_id();
            res.instances()
                .iter()
                .find_map(|i| instance(i, u.region, owner))
        });
        let Some(mut r) = found else {
            return Fetched::Absent;
        };
        let data = user_data(&u.ctx, &c, &r.native_id).await;
        r.attrs["user_data"] = serde_json::to_value(data).unwrap_or_default();
        Fetched::Present(r)
    })
}

/// Flattens AWS's grouped permissions into one rule per source, sorted.
pub(crate) fn rules(perms: &[IpPermission]) -> Vec<Rule> {
    let mut out = Vec::new();
    for p in perms {
        let protocol = match p.ip_protocol().unwrap_or("-1") {
            "-1" => "all".to_string(),
            "6" => "tcp".to_string(),
            "17" => "udp".to_string(),
            "1" => "icmp".to_string(),
            "58" => "icmpv6".to_string(),
            other => other.to_ascii_lowercase(),
        };
        // For protocol all, ports are meaningless; AWS may omit or send -1.
        let (from, to) = if protocol == "all" {
            (None, None)
        } else {
            (p.from_port(), p.to_port())
        };
        let mut push = |source: Source, description: Option<&str>| {
            out.push(Rule {
                protocol: protocol.clone(),
                from_port: from,
                to_port: to,
                source,
                description: description.filter(|d| !d.is_empty()).map(str::to_string),
                via: None,
            })
        };
        for r in p.ip_ranges() {
            if let Some(c) = r.cidr_ip() {
                push(Source::CidrV4(c.to_string()), r.description());
            }
        }
        for r in p.ipv6_ranges() {
            if let Some(c) = r.cidr_ipv6() {
                push(Source::CidrV6(c.to_string()), r.description());
            }
        }
        for g in p.user_id_group_pairs() {
            if let Some(id) = g.group_id() {
                push(Source::Group(id.to_string()), g.description());
            }
        }
        for pl in p.prefix_list_ids() {
            if let Some(id) = pl.prefix_list_id() {
                push(Source::PrefixList(id.to_string()), pl.description());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{ec2_denied, mock_ctx};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn ec2_error(code: &str) -> aws_smithy_runtime_api::http::Response {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(400).unwrap(),
            aws_smithy_types::body::SdkBody::from(format!(
                "<Response><Errors><Error><Code>{code}</Code><Message>no</Message></Error></Errors><RequestID>r</RequestID></Response>"
            )),
        )
    }

    /// A group read alone: EC2's not-found is gone; a denied call is
    /// unknown with its code, never "deleted".
    #[tokio::test(start_paused = true)]
    async fn a_group_read_alone_is_gone_or_unknown_never_deleted_by_a_denial() {
        let gone = mock!(Client::describe_security_groups)
            .match_requests(|r| r.group_ids() == ["sg-gone"])
            .then_http_response(|| ec2_error("InvalidGroup.NotFound"));
        let denied = mock!(Client::describe_security_groups)
            .match_requests(|r| r.group_ids() == ["sg-locked"])
            .then_http_response(ec2_denied);
        let c = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&gone, &denied]);
        let ctx = mock_ctx().await;
        assert_eq!(
            group_alone(&ctx, c.clone(), "us-east-1", "sg-gone").await,
            Fetched::Absent
        );
        assert_eq!(
            group_alone(&ctx, c, "us-east-1", "sg-locked").await,
            Fetched::Unknown("UnauthorizedOperation".into())
        );
    }
}
