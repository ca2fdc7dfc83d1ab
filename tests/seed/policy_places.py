"""Plants IAM principals whose policies open doors, each through a known
statement, for the findings to point at: a user with an inline policy and
a managed one who is in a group, the group with an inline policy and a
managed one, a role with an inline policy, a managed one and a trust
policy, and a bucket whose policy has a public statement and a grant to a
foreign account (999988887777), one with a Sid and one without. Prints
what it made."""
import json

from common import account_id, client, emit

FOREIGN = "999988887777"
acct = account_id()
iam = client("iam")


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions, sid=None, not_action=False):
    st = {"Effect": "Allow", ("NotAction" if not_action else "Action"): actions, "Resource": "*"}
    if sid:
        st["Sid"] = sid
    return st


def managed(name, *statements):
    return iam.create_policy(PolicyName=name, PolicyDocument=doc(*statements))["Policy"]["Arn"]


# PassRole in a Sid'd statement, RunInstances in one without: together an
# escalation path (start an instance with any role).
pass_run = managed("pass-and-run", allow("iam:PassRole", "Pass"), allow("ec2:Run*"))
attach_any = managed("attach-any", allow("iam:Attach*", "Attach"))
iam_star = managed("iam-star", allow(["s3:ListAllMyBuckets", "iam:*"], "IamAll"))

iam.create_group(GroupName="ops")
iam.put_group_policy(GroupName="ops", PolicyName="broad", PolicyDocument=doc(
    allow("s3:ListAllMyBuckets", "List"), allow("iam:*", "Broad", not_action=True)))
iam.attach_group_policy(GroupName="ops", PolicyArn=attach_any)

iam.create_user(UserName="dev")
iam.put_user_policy(UserName="dev", PolicyName="put-all", PolicyDocument=doc(allow("iam:Put*", "AllowPut")))
iam.attach_user_policy(UserName="dev", PolicyArn=pass_run)
iam.add_user_to_group(GroupName="ops", UserName="dev")

trust = doc(
    {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
     "Condition": {"StringLike": {"aws:PrincipalOrgID": "o-*"}}},
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"}, "Action": "sts:AssumeRole"},
)
iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=trust)
iam.put_role_policy(RoleName="deployer", PolicyName="all", PolicyDocument=doc(
    allow("s3:GetObject", "Read"), allow("*", "Everything")))
iam.attach_role_policy(RoleName="deployer", PolicyArn=iam_star)

s3 = client("s3")
bucket = f"dw-{acct}-places"
s3.create_bucket(Bucket=bucket)
s3.put_bucket_policy(Bucket=bucket, Policy=doc(
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:ListBucket", "s3:GetObject"],
     "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
     "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}},
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"}, "Action": "s3:PutObject",
     "Resource": f"arn:aws:s3:::{bucket}/*"},
))

emit({"account": acct, "bucket": bucket, "pass_run": pass_run, "attach_any": attach_any,
      "iam_star": iam_star})
