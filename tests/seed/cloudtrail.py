"""On an account seeded by account.py (argv[1]: its output), makes changes as
two principals, the CI role and a shared admin role used by alice, and writes
the CloudTrail records AWS would have delivered for them into a trail bucket
(created with a trail in moto) and into a local directory (argv[2]). Prints
what each principal did."""
import datetime
import gzip
import json
import os
import sys
import uuid

import boto3
from botocore.config import Config

from common import ENDPOINT, client, emit

made = json.loads(sys.argv[1])
outdir = sys.argv[2]
acct = made["account"]
iam = client("iam")
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"}, "Action": "sts:AssumeRole"}]})
for role in ("ci-deploy", "admin"):
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)


def session(role, name):
    c = client("sts").assume_role(RoleArn=f"arn:aws:iam::{acct}:role/{role}", RoleSessionName=name)["Credentials"]
    return boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                         aws_session_token=c["SessionToken"])


def as_(sess, service, region="us-east-1"):
    return sess.client(service, region_name=region, endpoint_url=ENDPOINT, config=Config(s3={"addressing_style": "path"}))


records = {"us-east-1": [], "eu-west-1": []}


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity(role, sess_name, source_identity=None):
    ctx = {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE", "arn": f"arn:aws:iam::{acct}:role/{role}",
                             "accountId": acct, "userName": role},
           "attributes": {"creationDate": now(), "mfaAuthenticated": "false"}}
    if source_identity:
        ctx["sourceIdentity"] = source_identity
    return {"type": "AssumedRole", "principalId": f"AROAEXAMPLE:{sess_name}",
            "arn": f"arn:aws:sts::{acct}:assumed-role/{role}/{sess_name}", "accountId": acct,
            "accessKeyId": "ASIAEXAMPLE", "sessionContext": ctx}


def record(who, name, source, region, req, resp, ip, error=None):
    r = {"eventVersion": "1.08", "userIdentity": who, "eventTime": now(), "eventSource": source,
         "eventName": name, "awsRegion": region, "sourceIPAddress": ip,
         "userAgent": "aws-cli/2.15.0 Python/3.11 md/command#" + name, "requestParameters": req,
         "responseElements": resp, "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()),
         "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
         "recipientAccountId": acct, "eventCategory": "Management"}
    if error:
        r["errorCode"] = error
        r["errorMessage"] = "User is not authorized to perform this operation"
        r["responseElements"] = None
    records[region].append(r)


def perms(port, cidr):
    return {"items": [{"ipProtocol": "tcp", "fromPort": port, "toPort": port,
                       "ipRanges": {"items": [{"cidrIp": cidr}]}, "ipv6Ranges": {}, "prefixListIds": {}, "groups": {}}]}


# The CI role deploys: a rule for the app tier and an instance.
ci = session("ci-deploy", "pipeline-42")
ci_who = identity("ci-deploy", "pipeline-42")
app = made["security_groups"]["us-east-1"]["app"]
as_(ci, "ec2").authorize_security_group_ingress(GroupId=app, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
record(ci_who, "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "us-east-1",
       {"groupId": app, "ipPermissions": perms(8443, "10.0.0.0/8")},
       {"requestId": str(uuid.uuid4()), "_return": True,
        "securityGroupRuleSet": {"items": [{"groupId": app, "securityGroupRuleId": "sgr-0ci", "isEgress": False}]}},
       "203.0.113.10")
iid = as_(ci, "ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                    MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
record(ci_who, "RunInstances", "ec2.amazonaws.com", "us-east-1",
       {"instancesSet": {"items": [{"imageId": "ami-12c6146b", "minCount": 1, "maxCount": 1}]}, "instanceType": "t3.micro"},
       {"requestId": str(uuid.uuid4()), "reservationId": "r-0abc", "ownerId": acct,
        "instancesSet": {"items": [{"instanceId": iid, "imageId": "ami-12c6146b", "currentState": {"code": 0, "name": "pending"}}]}},
       "203.0.113.10")

# Alice, through the shared admin role: SSH to the world and a policy for bob.
adm = session("admin", "alice-laptop")
adm_who = identity("admin", "alice-laptop", "alice@example.com")
web = made["security_groups"]["us-east-1"]["web"]
as_(adm, "ec2").authorize_security_group_ingress(GroupId=web, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
record(adm_who, "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "us-east-1",
       {"groupId": web, "ipPermissions": perms(22, "0.0.0.0/0")}, {"_return": True}, "198.51.100.7")
as_(adm, "iam").attach_user_policy(UserName="bob", PolicyArn=made["policy_arn"])
record(adm_who, "AttachUserPolicy", "iam.amazonaws.com", "us-east-1",
       {"userName": "bob", "policyArn": made["policy_arn"]}, None, "198.51.100.7")
# A failed attempt: context only, explains nothing.
record(adm_who, "AttachRolePolicy", "iam.amazonaws.com", "us-east-1",
       {"roleName": "deploy", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}, None, "198.51.100.7",
       error="AccessDenied")
# Overnight: RDP opened and closed again in eu-west-1, a user created and deleted.
euweb = made["security_groups"]["eu-west-1"]["web"]
ec2eu = as_(adm, "ec2", "eu-west-1")
ec2eu.authorize_security_group_ingress(GroupId=euweb, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
record(adm_who, "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "eu-west-1",
       {"groupId": euweb, "ipPermissions": perms(3389, "0.0.0.0/0")}, {"_return": True}, "198.51.100.7")
ec2eu.revoke_security_group_ingress(GroupId=euweb, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
record(adm_who, "RevokeSecurityGroupIngress", "ec2.amazonaws.com", "eu-west-1",
       {"groupId": euweb, "ipPermissions": perms(3389, "0.0.0.0/0")}, {"_return": True}, "198.51.100.7")
as_(adm, "iam").create_user(UserName="tmp-admin")
record(adm_who, "CreateUser", "iam.amazonaws.com", "us-east-1", {"userName": "tmp-admin"},
       {"user": {"userName": "tmp-admin", "arn": f"arn:aws:iam::{acct}:user/tmp-admin", "path": "/"}}, "198.51.100.7")
as_(adm, "iam").delete_user(UserName="tmp-admin")
record(adm_who, "DeleteUser", "iam.amazonaws.com", "us-east-1", {"userName": "tmp-admin"}, None, "198.51.100.7")

# Deliver: a trail, its bucket, gzipped log files under the dated prefixes.
bucket = f"trail-{acct}"
s3 = client("s3")
s3.create_bucket(Bucket=bucket)
client("cloudtrail").create_trail(Name="main", S3BucketName=bucket, IsMultiRegionTrail=True)
day = datetime.datetime.now(datetime.timezone.utc)
stamp = day.strftime("%Y%m%dT%H%MZ")
os.makedirs(outdir, exist_ok=True)
for region, recs in records.items():
    key = f"AWSLogs/{acct}/CloudTrail/{region}/{day:%Y/%m/%d}/{acct}_CloudTrail_{region}_{stamp}_{uuid.uuid4().hex[:16]}.json.gz"
    body = gzip.compress(json.dumps({"Records": recs}).encode())
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    local = os.path.join(outdir, key)
    os.makedirs(os.path.dirname(local), exist_ok=True)
    with open(local, "wb") as f:
        f.write(body)
# A damaged delivery: reported and skipped, never fatal.
bad = f"AWSLogs/{acct}/CloudTrail/us-east-1/{day:%Y/%m/%d}/{acct}_CloudTrail_us-east-1_{stamp}_broken.json.gz"
s3.put_object(Bucket=bucket, Key=bad, Body=gzip.compress(b'{"Records": [{"eventName": "Cre')[:20])
with open(os.path.join(outdir, bad), "wb") as f:
    f.write(gzip.compress(b'{"Records": [{"eventName": "Cre')[:20])

emit({"ci_instance": iid, "app": app, "web": web, "euweb": euweb, "bucket": bucket})
