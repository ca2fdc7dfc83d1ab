#!/usr/bin/env python3
"""Writes 1,000,000 synthetic CloudTrail records in 200 `.json.gz` files for
the account of the diff bench's states (111122223333), inside their window
once the current state's `taken_at` is a day later. One record in eight is
a write on a watched resource (security groups, buckets, instances, roles),
one in twenty is denied, 17,000 sessions of 2,000 roles.

  DRIFTWATCH_BENCH_KEEP=DIR cargo bench --bench diff     # DIR/a.json, DIR/b.json
  sed '0,/"taken_at": "2026-01-01T00:00:00Z"/s//"taken_at": "2026-01-02T00:00:00Z"/' DIR/b.json > DIR/b2.json
  tools/bench-cloudtrail.py OUTDIR
  /usr/bin/time driftwatch scan --snapshot DIR/b2.json --baseline DIR/a.json --cloudtrail OUTDIR --format json > /dev/null
"""
import datetime
import gzip
import json
import random
import sys
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "ct1m")
out.mkdir(parents=True, exist_ok=True)
random.seed(7)
acct = "111122223333"
start = datetime.datetime(2026, 1, 1, 0, 0, 1)
span = 86000
reads = ["DescribeInstances", "DescribeSecurityGroups", "GetBucketPolicy", "ListBuckets", "GetRole", "ListResourceRecordSets"]
def ident(i):
    r = f"app-{i % 2000}"
    return {"type": "AssumedRole", "principalId": f"AROAEXAMPLE{i%2000}:s{i%17000}", "accountId": acct,
            "arn": f"arn:aws:sts::{acct}:assumed-role/{r}/s{i%17000}", "accessKeyId": "ASIAEXAMPLE",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE", "arn": f"arn:aws:iam::{acct}:role/{r}", "accountId": acct, "userName": r},
                               "attributes": {"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "false"}}}
def write(i):
    k = i % 5
    n = random.randrange(20000)
    if k == 0:
        return "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", {"groupId": f"sg-{n:017d}"}
    if k == 1:
        return "s3.amazonaws.com", "PutBucketPolicy", {"bucketName": f"bucket-{n}"}
    if k == 2:
        return "ec2.amazonaws.com", "ModifyInstanceAttribute", {"instanceId": f"i-{n:017d}", "instanceType": {"value": "m5.xlarge"}}
    if k == 3:
        return "iam.amazonaws.com", "PutRolePolicy", {"roleName": f"role-{n}", "policyName": "p"}
    return "ec2.amazonaws.com", "CreateTags", {"resourcesSet": {"items": [{"resourceId": f"i-{n:017d}"}]}}
i = 0
for f in range(200):
    recs = []
    for j in range(5000):
        t = start + datetime.timedelta(seconds=(i * span) // 1000000)
        if i % 8 == 0:
            src, name, req = write(i); ro = False
        else:
            name = reads[i % len(reads)]; src = "ec2.amazonaws.com"; req = None; ro = True
        r = {"eventVersion": "1.09", "userIdentity": ident(i), "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
             "eventSource": src, "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": f"203.0.113.{i%250}",
             "userAgent": "aws-cli/2.15", "requestParameters": req, "responseElements": None,
             "requestID": f"req-{i}", "eventID": f"{i:08x}-0000-4000-8000-000000000000", "readOnly": ro,
             "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": acct, "eventCategory": "Management"}
        if i % 20 == 1:
            r["errorCode"] = "AccessDenied"; r["errorMessage"] = "denied"
        recs.append(r); i += 1
    with gzip.open(out / f"{acct}_CloudTrail_us-east-1_{f:04d}.json.gz", "wt", compresslevel=1) as fh:
        json.dump({"Records": recs}, fh)
print("done", i)
