"""Builds the bundled demo account under baselines/demo/ (run by
tests/build-demo.sh, which provides moto, credentials and the driftwatch
binary).

  demo.py setup            the account as it was at 18:00 yesterday
  demo.py morning DIR      what happened overnight, with the CloudTrail
                           records AWS would have delivered, under DIR
  demo.py retime BASE CUR  moves the two states' taken_at to the evening
                           and the morning the records describe

The states are read from moto by driftwatch itself; only their taken_at is
rewritten, so the demo tells a night's story instead of a few seconds'."""
import datetime
import gzip
import json
import os
import sys
import uuid

import boto3
from botocore.config import Config

from common import ENDPOINT, account_id, client, doc, emit, first_subnet_vpc

EVENING = "2026-11-27T18:00:00Z"
MORNING = "2026-11-28T07:00:00Z"
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
acct = account_id()
state_file = os.path.join(os.environ["DEMO_WORK"], "ids.json")


def sg(ec2, vpc, name, perms):
    gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if perms:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=perms)
    return gid


def tcp(port, cidr):
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}


def setup():
    ec2 = client("ec2")
    vpc = first_subnet_vpc(ec2)
    ids = {"vpc": vpc}
    ids["web"] = sg(ec2, vpc, "web", [tcp(443, "0.0.0.0/0"), tcp(22, "10.0.0.0/8")])
    ids["app"] = sg(ec2, vpc, "app", [{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                                      "UserIdGroupPairs": [{"GroupId": ids["web"]}]}])
    ids["bastion"] = sg(ec2, vpc, "bastion", [tcp(22, "203.0.113.0/24")])

    def run(name, group, tokens="required", tags=()):
        return ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.small",
                                 SecurityGroupIds=[group], MetadataOptions={"HttpTokens": tokens},
                                 TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}, *tags]}]
                                 )["Instances"][0]["InstanceId"]
    ids["web1"] = run("web-1", ids["web"])
    ids["legacy"] = run("legacy-reporting", ids["app"], tokens="optional")

    s3 = client("s3")
    on = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    for b in ("acme-customer-exports", "acme-app-logs"):
        s3.create_bucket(Bucket=b)
    s3.put_public_access_block(Bucket="acme-app-logs", PublicAccessBlockConfiguration=on)
    s3.create_bucket(Bucket="assets.acme-demo.com")
    s3.put_bucket_website(Bucket="assets.acme-demo.com", WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})

    iam = client("iam")
    trust = doc({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"}, "Action": "sts:AssumeRole"}]})
    for role in ("deploy", "admin"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
    ids["break_glass"] = iam.create_policy(PolicyName="break-glass-admin", PolicyDocument=doc({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="admin", PolicyArn=ids["break_glass"])
    iam.create_user(UserName="jenkins-legacy")
    iam.create_access_key(UserName="jenkins-legacy")

    r53 = client("route53")
    zone = r53.create_hosted_zone(Name="acme-demo.com", CallerReference="demo-pub")["HostedZone"]["Id"].split("/")[-1]
    ids["zone"] = zone
    web_ip = ec2.describe_instances(InstanceIds=[ids["web1"]])["Reservations"][0]["Instances"][0]["PublicIpAddress"]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.acme-demo.com", "Type": "A", "TTL": 300,
                                                   "ResourceRecords": [{"Value": web_ip}]}},
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "assets.acme-demo.com", "Type": "CNAME", "TTL": 300,
                                                   "ResourceRecords": [{"Value": "assets.acme-demo.com.s3-website-us-east-1.amazonaws.com"}]}},
    ]})
    ids.update(watched(on))
    json.dump(ids, open(state_file, "w"))
    emit(ids)


def watched(on):
    """The guard rails a careful team has in place, so that the demo's
    findings are the night's and not a bare account's: a multi-region trail
    with validation and KMS into a versioned, access-logged bucket; in every
    region GuardDuty, Config, Security Hub, flow logs and DNS query logging
    on the default VPC, EBS encryption by default, snapshot and image block
    public access, IMDSv2 by default; buckets that refuse plain HTTP and
    ACLs."""
    s3 = client("s3")
    trail_bucket = f"acme-cloudtrail-{acct}"
    s3.create_bucket(Bucket=trail_bucket)
    s3.put_public_access_block(Bucket=trail_bucket, PublicAccessBlockConfiguration=on)
    s3.put_bucket_versioning(Bucket=trail_bucket, VersioningConfiguration={"Status": "Enabled"})
    def tls_only(b):
        return {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    # Server access logs are delivered by the logging service (moto reads
    # this statement before any other, as written here).
    s3.put_bucket_policy(Bucket="acme-app-logs", Policy=doc({"Version": "2012-10-17", "Statement": [
        {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::acme-app-logs/*"}, tls_only("acme-app-logs")]}))
    for b in ("acme-customer-exports", "acme-app-logs", "assets.acme-demo.com", trail_bucket):
        s3.put_bucket_ownership_controls(Bucket=b, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        if b != "acme-app-logs":
            s3.put_bucket_logging(Bucket=b, BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "acme-app-logs", "TargetPrefix": f"s3/{b}/"}})
        if b not in ("assets.acme-demo.com", "acme-app-logs"):
            s3.put_bucket_policy(Bucket=b, Policy=doc({"Version": "2012-10-17", "Statement": [tls_only(b)]}))
    key = client("kms").create_key(Description="cloudtrail")["KeyMetadata"]["Arn"]
    client("kms").enable_key_rotation(KeyId=key)
    ct = client("cloudtrail")
    ct.create_trail(Name="org-audit", S3BucketName=trail_bucket, IsMultiRegionTrail=True,
                    EnableLogFileValidation=True, KmsKeyId=key, IncludeGlobalServiceEvents=True)
    ct.start_logging(Name="org-audit")
    recorder_role = f"arn:aws:iam::{acct}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    for region in REGIONS:
        client("guardduty", region).create_detector(Enable=True)
        cfg = client("config", region)
        cfg.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": recorder_role,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == "us-east-1"}})
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": trail_bucket})
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")
        client("securityhub", region).enable_security_hub()
        ec2 = client("ec2", region)
        ec2.enable_ebs_encryption_by_default()
        ec2.enable_snapshot_block_public_access(State="block-all-sharing")
        ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
        ec2.modify_instance_metadata_defaults(HttpTokens="required")
        for vpc in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]:
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                 LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{trail_bucket}")
            r53r = client("route53resolver", region)
            qlc = r53r.create_resolver_query_log_config(
                Name=f"dns-{vpc}", DestinationArn=f"arn:aws:s3:::{trail_bucket}",
                CreatorRequestId=f"demo-{vpc}")["ResolverQueryLogConfig"]["Id"]
            r53r.associate_resolver_query_log_config(ResolverQueryLogConfigId=qlc, ResourceId=vpc)
    return {"trail_bucket": trail_bucket}


records = {}


def at(hhmm, day="2026-11-28"):
    return f"{day}T{hhmm}:00Z"


def who_role(role, session, source_identity=None):
    ctx = {"sessionIssuer": {"type": "Role", "principalId": "AROADEMO" + role.upper(), "arn": f"arn:aws:iam::{acct}:role/{role}",
                             "accountId": acct, "userName": role},
           "attributes": {"creationDate": "2026-11-27T20:00:00Z", "mfaAuthenticated": "false"}}
    if source_identity:
        ctx["sourceIdentity"] = source_identity
    return {"type": "AssumedRole", "principalId": f"AROADEMO{role.upper()}:{session}",
            "arn": f"arn:aws:sts::{acct}:assumed-role/{role}/{session}", "accountId": acct,
            "accessKeyId": "ASIADEMO" + role.upper(), "sessionContext": ctx}


def who_user(name):
    return {"type": "IAMUser", "principalId": "AIDADEMO" + name.upper().replace("-", ""), "arn": f"arn:aws:iam::{acct}:user/{name}",
            "accountId": acct, "accessKeyId": "AKIADEMO" + name.upper().replace("-", "")[:12], "userName": name}


def record(time, who, name, source, region, req, resp, ip, agent="aws-cli/2.15.30 Python/3.11.8 Linux/6.5"):
    records.setdefault(region, []).append({
        "eventVersion": "1.09", "userIdentity": who, "eventTime": time, "eventSource": source, "eventName": name,
        "awsRegion": region, "sourceIPAddress": ip, "userAgent": agent, "requestParameters": req,
        "responseElements": resp, "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()), "readOnly": False,
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": acct, "eventCategory": "Management"})


def items(port, cidr):
    return {"items": [{"ipProtocol": "tcp", "fromPort": port, "toPort": port,
                       "ipRanges": {"items": [{"cidrIp": cidr}]}, "ipv6Ranges": {}, "prefixListIds": {}, "groups": {}}]}


def morning(outdir):
    ids = json.load(open(state_file))
    ec2 = client("ec2")
    alice = who_role("admin", "alice", "alice@acme-demo.com")
    deploy = who_role("deploy", "pipeline-1187")
    jenkins = who_user("jenkins-legacy")
    intruder = who_role("admin", "i-am-root")

    # 21:14 the deploy pipeline ships: a rule for the app tier and a new app instance.
    ec2.authorize_security_group_ingress(GroupId=ids["app"], IpPermissions=[tcp(8443, "10.0.0.0/8")])
    record(at("21:14", "2026-11-27"), deploy, "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "us-east-1",
           {"groupId": ids["app"], "ipPermissions": items(8443, "10.0.0.0/8")},
           {"_return": True, "securityGroupRuleSet": {"items": [{"groupId": ids["app"], "securityGroupRuleId": "sgr-0d1", "isEgress": False}]}},
           "203.0.113.10", "aws-sdk-go-v2/1.30.3")
    app2 = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.small",
                             SecurityGroupIds=[ids["app"]], MetadataOptions={"HttpTokens": "required"},
                             TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app-2"}]}]
                             )["Instances"][0]["InstanceId"]
    record(at("21:16", "2026-11-27"), deploy, "RunInstances", "ec2.amazonaws.com", "us-east-1",
           {"instancesSet": {"items": [{"imageId": "ami-12c6146b", "minCount": 1, "maxCount": 1}]}},
           {"instancesSet": {"items": [{"instanceId": app2, "currentState": {"code": 0, "name": "pending"}}]}},
           "203.0.113.10", "aws-sdk-go-v2/1.30.3")

    # 02:00-02:20 RDP opened on the bastion and closed again.
    ec2.authorize_security_group_ingress(GroupId=ids["bastion"], IpPermissions=[tcp(3389, "0.0.0.0/0")])
    record(at("02:00"), alice, "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "us-east-1",
           {"groupId": ids["bastion"], "ipPermissions": items(3389, "0.0.0.0/0")}, {"_return": True}, "198.51.100.23")
    ec2.revoke_security_group_ingress(GroupId=ids["bastion"], IpPermissions=[tcp(3389, "0.0.0.0/0")])
    record(at("02:20"), alice, "RevokeSecurityGroupIngress", "ec2.amazonaws.com", "us-east-1",
           {"groupId": ids["bastion"], "ipPermissions": items(3389, "0.0.0.0/0")}, {"_return": True}, "198.51.100.23")

    # 02:31 alice, through the shared admin role, opens SSH on the web tier to the world.
    ec2.authorize_security_group_ingress(GroupId=ids["web"], IpPermissions=[tcp(22, "0.0.0.0/0")])
    record(at("02:31"), alice, "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "us-east-1",
           {"groupId": ids["web"], "ipPermissions": items(22, "0.0.0.0/0")}, {"_return": True}, "198.51.100.23")

    # 02:47 the exports bucket is made public.
    s3 = client("s3")
    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "Share", "Effect": "Allow", "Principal": "*",
              "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-customer-exports/*"}]}
    s3.put_bucket_policy(Bucket="acme-customer-exports", Policy=json.dumps(policy))
    record(at("02:47"), alice, "PutBucketPolicy", "s3.amazonaws.com", "us-east-1",
           {"bucketName": "acme-customer-exports", "bucketPolicy": policy, "policy": [""], "Host": "s3.amazonaws.com"}, None,
           "198.51.100.23")

    # 03:05 the static assets bucket is deleted; its CNAME is left behind.
    s3.delete_bucket(Bucket="assets.acme-demo.com")
    record(at("03:05"), alice, "DeleteBucket", "s3.amazonaws.com", "us-east-1",
           {"bucketName": "assets.acme-demo.com", "Host": "s3.amazonaws.com"}, None, "198.51.100.23")

    # 03:40 a new admin user with an access key, from the old Jenkins credentials.
    iam = client("iam")
    iam.create_user(UserName="svc-backup")
    record(at("03:40"), jenkins, "CreateUser", "iam.amazonaws.com", "us-east-1", {"userName": "svc-backup"},
           {"user": {"userName": "svc-backup", "arn": f"arn:aws:iam::{acct}:user/svc-backup", "path": "/"}}, "185.220.101.4",
           "Boto3/1.34.0 Python/3.12.1 Linux/6.1")
    iam.attach_user_policy(UserName="svc-backup", PolicyArn=ids["break_glass"])
    record(at("03:41"), jenkins, "AttachUserPolicy", "iam.amazonaws.com", "us-east-1",
           {"userName": "svc-backup", "policyArn": ids["break_glass"]}, None, "185.220.101.4", "Boto3/1.34.0 Python/3.12.1 Linux/6.1")
    key = iam.create_access_key(UserName="svc-backup")["AccessKey"]["AccessKeyId"]
    record(at("03:41"), jenkins, "CreateAccessKey", "iam.amazonaws.com", "us-east-1", {"userName": "svc-backup"},
           {"accessKey": {"accessKeyId": key, "userName": "svc-backup", "status": "Active"}}, "185.220.101.4",
           "Boto3/1.34.0 Python/3.12.1 Linux/6.1")

    # 04:12 an instance in a region nobody uses.
    ap = client("ec2", "ap-southeast-2")
    miner = ap.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="c5.4xlarge",
                             MetadataOptions={"HttpTokens": "optional"})["Instances"][0]["InstanceId"]
    record(at("04:12"), intruder, "RunInstances", "ec2.amazonaws.com", "ap-southeast-2",
           {"instancesSet": {"items": [{"imageId": "ami-12c6146b", "minCount": 1, "maxCount": 1}]}, "instanceType": "c5.4xlarge"},
           {"instancesSet": {"items": [{"instanceId": miner, "currentState": {"code": 0, "name": "pending"}}]}},
           "185.220.101.4", "Boto3/1.34.0 Python/3.12.1 Linux/6.1")
    # A failed attempt to grant the intruder more, kept as context.
    record(at("04:15"), intruder, "AttachRolePolicy", "iam.amazonaws.com", "us-east-1",
           {"roleName": "deploy", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}, None, "185.220.101.4")
    records["us-east-1"][-1].update(errorCode="AccessDenied", errorMessage="not authorized to perform: iam:AttachRolePolicy")

    # And a change no record explains: the legacy reporting box was stopped.
    ec2.stop_instances(InstanceIds=[ids["legacy"]])

    for region, recs in records.items():
        recs.sort(key=lambda r: r["eventTime"])
        by_day = {}
        for r in recs:
            by_day.setdefault(r["eventTime"][:10], []).append(r)
        for day, rs in by_day.items():
            y, m, d = day.split("-")
            stamp = rs[-1]["eventTime"].replace("-", "").replace(":", "")[:13] + "Z"
            path = os.path.join(outdir, "AWSLogs", acct, "CloudTrail", region, y, m, d,
                                f"{acct}_CloudTrail_{region}_{stamp}_demo{len(rs):04d}.json.gz")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                # mtime=0: the same records give the same bytes.
                f.write(gzip.compress(json.dumps({"Records": rs}, indent=None).encode(), mtime=0))
    emit({"records": sum(len(r) for r in records.values())})


def retime(base, cur):
    for path, t in ((base, EVENING), (cur, MORNING)):
        d = json.load(open(path))
        (d["snapshot"] if "snapshot" in d else d)["taken_at"] = t
        with open(path, "w") as f:
            json.dump(d, f, indent=2, sort_keys=True)
            f.write("\n")
    emit({"evening": EVENING, "morning": MORNING})


if __name__ == "__main__":
    {"setup": lambda: setup(), "morning": lambda: morning(sys.argv[2]),
     "retime": lambda: retime(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
