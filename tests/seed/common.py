"""Shared helpers for the seed scripts: boto3 clients for the account whose
credentials are in the environment (set by tests/common/mod.rs)."""
import json
import os
import sys

import boto3
from botocore.config import Config

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
_CFG = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2})


def _no_account_host(request, **_):
    """S3 Control puts the account id before the host name, which a
    loopback endpoint does not serve: take it off before signing, as
    driftwatch does (aws/s3.rs, StripAccountHost)."""
    scheme, rest = request.url.split("://", 1)
    host, path = rest.split("/", 1)
    label, _, bare = host.partition(".")
    if label.isdigit() and len(label) == 12:
        request.url = f"{scheme}://{bare}/{path}"
        if "host" in request.headers:
            del request.headers["host"]


def client(service, region="us-east-1"):
    c = boto3.client(service, region_name=region, endpoint_url=ENDPOINT, config=_CFG)
    if service == "s3control":
        c.meta.events.register("before-sign.s3-control", _no_account_host)
    return c


def account_id():
    return client("sts").get_caller_identity()["Account"]


def emit(obj):
    json.dump(obj, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


def doc(obj):
    return json.dumps(obj)


def first_subnet_vpc(ec2):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    return vpcs[0]["VpcId"]


class Trail:
    """CloudTrail records as AWS would write them for calls a script makes
    (moto writes none): one actor, one source IP, the time of the call."""

    def __init__(self, acct, user="mallory"):
        self.acct = acct
        self.who = {"type": "IAMUser", "principalId": "AIDAEXAMPLE",
                    "arn": f"arn:aws:iam::{acct}:user/{user}", "accountId": acct,
                    "accessKeyId": "AKIAEXAMPLE", "userName": user}
        self.records = []

    def record(self, name, source, req, resp=None, region="us-east-1"):
        import datetime
        import uuid
        self.records.append({
            "eventVersion": "1.09", "userIdentity": self.who,
            "eventTime": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": source, "eventName": name, "awsRegion": region,
            "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15.0",
            "requestParameters": req, "responseElements": resp,
            "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()), "readOnly": False,
            "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": self.acct,
            "eventCategory": "Management"})

    def write(self, outdir):
        os.makedirs(outdir, exist_ok=True)
        with open(os.path.join(outdir, "records.json"), "w") as f:
            json.dump({"Records": self.records}, f)
