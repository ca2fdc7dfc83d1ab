"""Clients for a member account of the organization the caller manages,
through the role Organizations made there."""
import boto3

from common import ENDPOINT, _CFG, client


def member_client(acct, service, region="us-east-1"):
    creds = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{acct}:role/OrganizationAccountAccessRole",
        RoleSessionName="seed")["Credentials"]
    return boto3.client(service, region_name=region, endpoint_url=ENDPOINT, config=_CFG,
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])
