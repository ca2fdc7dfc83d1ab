"""Shared helpers for the seed scripts: boto3 clients for the account whose
credentials are in the environment (set by tests/common/mod.rs)."""
import json
import os
import sys

import boto3
from botocore.config import Config

ENDPOINT = os.environ["AWS_ENDPOINT_URL"]
_CFG = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2})


def client(service, region="us-east-1"):
    return boto3.client(service, region_name=region, endpoint_url=ENDPOINT, config=_CFG)


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
