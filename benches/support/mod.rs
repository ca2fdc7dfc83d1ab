//! The synthetic large account the benchmarks share: 100,000 resources in
//! proportions like a large estate, and a second variant that drifted.

use driftwatch::kinds;
use driftwatch::model::{Coverage, Resource, Snapshot, GLOBAL};
use serde_json::{json, Value};

/// `fields` over the kind's every field at its default, as a collector
/// writes them: checks see the nulls and empty lists a real snapshot holds.
fn full<T: Default + serde::Serialize>(fields: Value) -> Value {
    let mut all = serde_json::to_value(T::default()).unwrap();
    if let (Value::Object(a), Value::Object(f)) = (&mut all, fields) {
        a.extend(f);
    }
    all
}

pub const N: usize = 100_000;

/// A synthetic account: security groups, instances, buckets with policies,
/// roles with documents and DNS records, in proportions like a large estate.
pub fn account(variant: u32) -> Snapshot {
    let mut s = Snapshot::new("111122223333", "2026-01-01T00:00:00Z");
    for svc in ["ec2", "s3", "iam", "route53"] {
        for region in [GLOBAL, "us-east-1"] {
            s.coverage.insert(
                driftwatch::model::coverage_key(svc, region),
                Coverage::complete(svc, region),
            );
        }
    }
    for i in 0..N {
        // One resource in 100 differs between the variants, one in 1,000 is
        // only in one of them.
        let drift = variant == 1 && i % 100 == 0;
        if variant == 1 && i % 1000 == 7 {
            continue;
        }
        let r = match i % 5 {
            0 => Resource::new(
                "ec2.security_group",
                "us-east-1",
                format!("sg-{i:017x}"),
                None,
                &full::<kinds::SecurityGroup>(
                    json!({"name": format!("g{i}"), "vpc_id": "vpc-1", "egress": [],
                        "ingress": (0..4).map(|p| json!({"protocol": "tcp", "from_port": 8000 + p + if drift {1} else {0},
                            "to_port": 8000 + p, "source": {"cidr_v4": format!("10.{}.0.0/16", p)}})).collect::<Vec<_>>(),
                        "tags": {"team": "a", "env": "prod"}}),
                ),
            ),
            1 => Resource::new(
                "ec2.instance",
                "us-east-1",
                format!("i-{i:017x}"),
                None,
                &full::<kinds::Instance>(
                    json!({"instance_type": "m5.large", "state": if drift {"stopped"} else {"running"},
                        "image_id": "ami-1", "private_ip": "10.0.0.1", "security_groups": ["sg-1"],
                        "metadata_options": {"http_tokens": "required"}, "tags": {"Name": format!("web-{i}")}}),
                ),
            ),
            2 => Resource::new(
                "s3.bucket",
                GLOBAL,
                format!("bucket-{i}"),
                None,
                &full::<kinds::Bucket>(
                    json!({"region": "us-east-1", "policy": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": [if drift {"*"} else {"arn:aws:iam::1:root"}]},
                     "Action": ["s3:GetObject"], "Resource": [format!("arn:aws:s3:::bucket-{i}/*")]}]},
                    "acl": {"grants": [], "owner": "abc"}, "public_access_block": null, "website": null}),
                ),
            ),
            3 => Resource::new(
                "iam.role",
                GLOBAL,
                format!("role-{i}"),
                None,
                &full::<kinds::Role>(
                    json!({"role_id": format!("AROA{i}"), "path": "/", "attached_policies": [],
                        "trust_policy": {"Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole"],
                            "Principal": {"Service": ["ec2.amazonaws.com"]}}]},
                        "inline_policies": {"p": {"Statement": [{"Effect": "Allow",
                            "Action": [if drift {"s3:*"} else {"s3:GetObject"}], "Resource": ["*"]}]}}}),
                ),
            ),
            _ => Resource::new(
                "route53.record",
                GLOBAL,
                format!("Z1/host{i}.example.com./A"),
                None,
                &full::<kinds::RecordSet>(
                    json!({"zone_id": "Z1", "name": format!("host{i}.example.com."), "type": "A", "ttl": 300,
                        "values": [if drift {"10.0.0.2"} else {"10.0.0.1"}]}),
                ),
            ),
        };
        s.insert(r);
    }
    s
}
