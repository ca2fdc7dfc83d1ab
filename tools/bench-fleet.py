#!/usr/bin/env python3
"""The scale bench's input (#30): a day of an account with an ephemeral fleet,
written as another tool than driftwatch would write it.

  tools/bench-fleet.py SEED OUT [FILES]

SEED is a 100,000-resource state driftwatch wrote (`benches/scale.rs` writes
one from the benches' shared account). OUT gets:

- `a.json`, the baseline: SEED with every object's keys in reverse order and
  four-space indents, so no line is the text driftwatch would write;
- `b.json`, the state a day later, written the same way: 5% of the resources
  modified, 1.25% removed and 1.25% added;
- `trail/`: 1,000,000 CloudTrail records in 200 gzipped files inside the
  window. 400,000 of them launch and terminate 200,000 instances that neither
  state holds, as an autoscaling, spot and batch fleet does in a day:
  120,000 by Auto Scaling's service-linked role, 40,000 by EC2 Fleet's,
  28,000 by AWS Batch's, 11,988 by a CI role's runners and 12 by an IAM user,
  eve. Of the other 600,000, one in eight is a write on a resource the states
  hold, one in twenty is denied, the rest are reads, by 2,000 roles.

FILES (default 200) scales the trail: each file holds 5,000 records, 2,000 of
them the fleet's, in the same proportions. Seeded, so every run writes the
same bytes. Needs only the standard library.
"""
import datetime
import gzip
import json
import random
import sys
from pathlib import Path

ACCT = "111122223333"
START = datetime.datetime(2026, 1, 1, 0, 0, 1)
SPAN = 86000  # seconds: inside [a.taken_at, b.taken_at]
FILES = int(sys.argv[3]) if len(sys.argv) > 3 else 200
PER_FILE = 5000
FLEET = 1000 * FILES  # instances launched and terminated: two writes each


def reverse_keys(v):
    """Another writer's key order: every object's keys reversed."""
    if isinstance(v, dict):
        return {k: reverse_keys(v[k]) for k in reversed(list(v))}
    if isinstance(v, list):
        return [reverse_keys(x) for x in v]
    return v


def write_state(state, path):
    with open(path, "w") as fh:
        json.dump(reverse_keys(state), fh, indent=4)


def modify(r):
    """One field a reviewer would notice, by kind."""
    a = r["attrs"]
    k = r["kind"]
    if k == "ec2.security_group" and a.get("ingress"):
        a["ingress"][0]["from_port"] = a["ingress"][0]["from_port"] + 1
    elif k == "ec2.instance":
        a["instance_type"] = "m5.2xlarge"
    elif k == "s3.bucket" and a.get("policy"):
        a["policy"]["Statement"][0]["Principal"] = {"AWS": ["*"]}
    elif k == "iam.role" and a.get("inline_policies"):
        a["inline_policies"]["p"]["Statement"][0]["Action"] = ["s3:*"]
    elif k == "route53.record":
        a["values"] = ["10.9.9.9"]
    else:
        a.setdefault("tags", {})["changed"] = "yes"


def added(r):
    """A new resource: a copy of `r` under a new native id, and its id."""
    c = json.loads(json.dumps(r))
    c["native_id"] += "n"
    return f'{c["kind"]}/{c["region"]}/{c["native_id"]}', c


def states(seed, out):
    a = json.loads(Path(seed).read_text())
    snap = a.get("snapshot", a)  # a baseline or a bare state
    write_state(a, out / "a.json")
    ids = sorted(snap["resources"])
    res = snap["resources"]
    new = {}
    for i, rid in enumerate(ids):
        if i % 80 == 1:
            continue  # removed
        r = res[rid]
        if i % 20 == 0:
            r = json.loads(json.dumps(r))
            modify(r)
        new[rid] = r
        if i % 80 == 2:
            nid, c = added(res[rid])
            new[nid] = c
    snap["resources"] = new
    snap["taken_at"] = "2026-01-02T00:00:00Z"
    write_state(a, out / "b.json")
    return ids, res


def session(role, name, invoked_by=None):
    r = {"type": "AssumedRole", "principalId": f"AROAEXAMPLE{len(role)}:{name}",
         "accountId": ACCT, "arn": f"arn:aws:sts::{ACCT}:assumed-role/{role.rsplit('/', 1)[-1]}/{name}",
         "accessKeyId": "ASIAEXAMPLE",
         "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                                              "arn": f"arn:aws:iam::{ACCT}:role/{role}",
                                              "accountId": ACCT, "userName": role.rsplit('/', 1)[-1]},
                            "attributes": {"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "false"}}}
    if invoked_by:
        r["invokedBy"] = invoked_by
    return r


AUTOSCALING = session("aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
                      "AutoScaling", "autoscaling.amazonaws.com")
FLEET_ROLE = session("aws-service-role/ec2fleet.amazonaws.com/AWSServiceRoleForEC2Fleet",
                     "EC2Fleet", "ec2fleet.amazonaws.com")
BATCH = session("aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch",
                "aws-batch", "batch.amazonaws.com")
EVE = {"type": "IAMUser", "principalId": "AIDAEXAMPLEEVE", "arn": f"arn:aws:iam::{ACCT}:user/eve",
       "accountId": ACCT, "accessKeyId": "AKIAEXAMPLEEVE", "userName": "eve"}


def fleet_actor(n):
    """Who launched ephemeral instance n (of FLEET)."""
    if n < FLEET * 60 // 100:
        return AUTOSCALING
    if n < FLEET * 80 // 100:
        return FLEET_ROLE
    if n < FLEET * 94 // 100:
        return BATCH
    if n < FLEET - 12:
        return session("ci-runner", f"gitlab-{n % 50}")
    return EVE


def app_actor(i):
    r = f"app-{i % 2000}"
    return session(r, f"s{i % 17000}")


def held_write(i, rid, r):
    n = r["native_id"]
    k = r["kind"]
    if k == "ec2.security_group":
        return "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", {"groupId": n}
    if k == "ec2.instance":
        return "ec2.amazonaws.com", "ModifyInstanceAttribute", {"instanceId": n, "instanceType": {"value": "m5.2xlarge"}}
    if k == "s3.bucket":
        return "s3.amazonaws.com", "PutBucketPolicy", {"bucketName": n}
    if k == "iam.role":
        return "iam.amazonaws.com", "PutRolePolicy", {"roleName": n, "policyName": "p"}
    return "ec2.amazonaws.com", "CreateTags", {"resourcesSet": {"items": [{"resourceId": n}]}}


READS = ["DescribeInstances", "DescribeSecurityGroups", "GetBucketPolicy", "ListBuckets", "GetRole",
         "ListResourceRecordSets"]


def record(i, t, src, name, ident, req, resp=None, ro=False, denied=False):
    r = {"eventVersion": "1.09", "userIdentity": ident, "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "eventSource": src, "eventName": name, "awsRegion": "us-east-1",
         "sourceIPAddress": ident.get("invokedBy") or f"203.0.113.{i % 250}",
         "userAgent": ident.get("invokedBy") or "aws-cli/2.15", "requestParameters": req,
         "responseElements": resp, "requestID": f"req-{i}", "eventID": f"{i:08x}-0000-4000-8000-000000000000",
         "readOnly": ro, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCT,
         "eventCategory": "Management"}
    if denied:
        r["errorCode"] = "AccessDenied"
        r["errorMessage"] = "denied"
    return r


def fleet_pair(n, i, t):
    """RunInstances and, minutes later, TerminateInstances of instance n."""
    iid = f"i-e{n:016x}"
    who = fleet_actor(n)
    items = {"items": [{"instanceId": iid}]}
    run = record(i, t, "ec2.amazonaws.com", "RunInstances", who,
                 {"instancesSet": {"items": [{"imageId": "ami-1", "minCount": 1, "maxCount": 1}]},
                  "instanceType": "c5.large"},
                 {"instancesSet": items})
    end = record(i + 1, t + datetime.timedelta(seconds=240), "ec2.amazonaws.com", "TerminateInstances", who,
                 {"instancesSet": items}, {"instancesSet": items})
    return run, end


def trail(ids, res, out):
    rng = random.Random(7)
    d = out / "trail"
    d.mkdir(parents=True, exist_ok=True)
    pairs_per_file = FLEET // FILES  # 1,000 launches and 1,000 terminations per file
    i = 0
    fleet = 0
    for f in range(FILES):
        recs = []
        for j in range(PER_FILE - 2 * pairs_per_file):
            t = START + datetime.timedelta(seconds=(i * SPAN) // (FILES * PER_FILE))
            if i % 8 == 0:
                rid = ids[rng.randrange(len(ids))]
                src, name, req = held_write(i, rid, res[rid])
                recs.append(record(i, t, src, name, app_actor(i), req))
            else:
                recs.append(record(i, t, "ec2.amazonaws.com", READS[i % len(READS)], app_actor(i), None,
                                   ro=True, denied=i % 20 == 1))
            i += 1
        base = START + datetime.timedelta(seconds=(f * SPAN) // FILES)
        # Launches fill the file's slice of the day, leaving room for the
        # terminations four minutes later where the slice is long enough.
        slot = SPAN // FILES - 300 if SPAN // FILES > 300 else SPAN // FILES
        for k in range(pairs_per_file):
            t = base + datetime.timedelta(seconds=k * slot // pairs_per_file)
            recs.extend(fleet_pair(fleet, i, t))
            fleet += 1
            i += 2
        recs.sort(key=lambda r: r["eventTime"])
        # mtime=0: the same bytes every run (gzip's header holds a time).
        path = d / f"{ACCT}_CloudTrail_us-east-1_{f:04d}.json.gz"
        with gzip.GzipFile(path, "wb", compresslevel=1, mtime=0) as fh:
            fh.write(json.dumps({"Records": recs}).encode())
    return i


def main():
    seed, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    ids, res = states(seed, out)
    n = trail(ids, res, out)
    print(f"bench-fleet: {out}/a.json, {out}/b.json, {n} records in {FILES} files", file=sys.stderr)


if __name__ == "__main__":
    main()
