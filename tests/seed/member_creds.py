"""Credentials for a member account (argv[1]) of the organization the
caller manages, through OrganizationAccountAccessRole. Prints them."""
import sys

from common import client, emit

c = client("sts").assume_role(
    RoleArn=f"arn:aws:iam::{sys.argv[1]}:role/OrganizationAccountAccessRole",
    RoleSessionName="bench")["Credentials"]
emit([c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]])
