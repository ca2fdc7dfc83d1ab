"""Plants the resource-policy doors in us-east-1: KMS keys, SQS queues, SNS
topics, Secrets Manager secrets and S3 access points, each once open to everyone, once granted
to a foreign account (999988887777), once to the known account
(444455556666), and a look-alike that names `*` but is limited by a
condition. One key has rotation off. One topic delivers to a queue in the
foreign account. Roles Anywhere gets a trust anchor on a self-signed CA
(not trusted) and one on the trusted Private CA, and a profile. Prints what
it made, the findings the checks must give, and a secret value that no
output may contain."""
import datetime
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from common import account_id, client, emit

E = "us-east-1"
FOREIGN, KNOWN = "999988887777", "444455556666"
SECRET = "Sm-Value-Do-Not-Leak-7731"
TRUSTED_CA = "arn:aws:acm-pca:us-east-1:444455556666:certificate-authority/known-ca"
acct = account_id()
made = {"account": acct, "secret": SECRET, "trusted_ca": TRUSTED_CA}
expect = []


def policy(principal, actions, resource="*", condition=None):
    st = {"Sid": "grant", "Effect": "Allow", "Principal": principal, "Action": actions,
          "Resource": resource}
    if condition:
        st["Condition"] = condition
    own = {"Sid": "owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{acct}:root"},
           "Action": "*", "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [own, st]})


GRANTS = {
    "open": ("*", None),
    "foreign": ({"AWS": f"arn:aws:iam::{FOREIGN}:root"}, None),
    "known": ({"AWS": f"arn:aws:iam::{KNOWN}:root"}, None),
    "limited": ("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}),
}
CHECK = {"open": "001", "foreign": "002"}

kms = client("kms", E)
for grant, (principal, cond) in GRANTS.items():
    key = kms.create_key(Description=f"{grant} key",
                         Policy=policy(principal, ["kms:Decrypt"], condition=cond))["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/{grant}", TargetKeyId=key)
    kms.enable_key_rotation(KeyId=key)
    made[f"key_{grant}"] = key
    if grant in CHECK:
        expect.append([f"KMS{CHECK[grant]}", f"kms.key/{E}/{key}"])
unrotated = kms.create_key(Description="unrotated")["KeyMetadata"]["KeyId"]
made["key_unrotated"] = unrotated
expect.append(["KMS003", f"kms.key/{E}/{unrotated}"])
# Asymmetric keys do not rotate: no rotation finding.
made["key_signing"] = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]

sqs = client("sqs", E)
for grant, (principal, cond) in GRANTS.items():
    url = sqs.create_queue(QueueName=f"{grant}-queue")["QueueUrl"]
    arn = f"arn:aws:sqs:{E}:{acct}:{grant}-queue"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={
        "Policy": policy(principal, ["sqs:SendMessage"], arn, cond)})
    made[f"queue_{grant}"] = f"{grant}-queue"
    if grant in CHECK:
        expect.append([f"SQS{CHECK[grant]}", f"sqs.queue/{E}/{grant}-queue"])
# The pattern S3 event notifications use: `*` limited by the source bucket.
url = sqs.create_queue(QueueName="events-queue")["QueueUrl"]
sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(
    {"Service": "s3.amazonaws.com"}, ["sqs:SendMessage"], f"arn:aws:sqs:{E}:{acct}:events-queue",
    {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads"}})})

sns = client("sns", E)
for grant, (principal, cond) in GRANTS.items():
    arn = sns.create_topic(Name=f"{grant}-topic")["TopicArn"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy",
                             AttributeValue=policy(principal, ["sns:Subscribe"], arn, cond))
    made[f"topic_{grant}"] = f"{grant}-topic"
    if grant in CHECK:
        expect.append([f"SNS{CHECK[grant]}", f"sns.topic/{E}/{grant}-topic"])
# Default policy (limited by AWS:SourceOwner) and a subscription leaving the account.
arn = sns.create_topic(Name="orders-topic")["TopicArn"]
sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=f"arn:aws:sqs:{E}:{FOREIGN}:exfil")
sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=f"arn:aws:sqs:{E}:{acct}:known-queue")
made["topic_exfil"] = "orders-topic"
expect.append(["SNS002", f"sns.topic/{E}/orders-topic"])

sm = client("secretsmanager", E)
for grant, (principal, cond) in GRANTS.items():
    sm.create_secret(Name=f"app/{grant}", SecretString=SECRET)
    sm.put_resource_policy(SecretId=f"app/{grant}",
                           ResourcePolicy=policy(principal, ["secretsmanager:GetSecretValue"], "*", cond))
    made[f"secret_{grant}"] = f"app/{grant}"
    if grant in CHECK:
        expect.append([f"SM{CHECK[grant]}", f"secretsmanager.secret/{E}/app/{grant}"])
sm.create_secret(Name="app/plain", SecretString=json.dumps({"password": SECRET}))

# Roles Anywhere: a self-signed CA nobody listed, and the trusted Private CA.
ca_key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rogue-ca")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(ca_key.public_key()).serial_number(1)
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256()))
ra = client("rolesanywhere", E)
rogue = ra.create_trust_anchor(name="rogue", enabled=True, source={
    "sourceType": "CERTIFICATE_BUNDLE",
    "sourceData": {"x509CertificateData": cert.public_bytes(serialization.Encoding.PEM).decode()}})
made["anchor_rogue"] = rogue["trustAnchor"]["trustAnchorId"]
made["anchor_rogue_fingerprint"] = "sha256:" + cert.fingerprint(hashes.SHA256()).hex()
expect.append(["RA001", f"rolesanywhere.trust_anchor/{E}/{made['anchor_rogue']}"])
known = ra.create_trust_anchor(name="corp", enabled=True, source={
    "sourceType": "AWS_ACM_PCA", "sourceData": {"acmPcaArn": TRUSTED_CA}})
made["anchor_known"] = known["trustAnchor"]["trustAnchorId"]
prof = ra.create_profile(name="workloads", enabled=True, durationSeconds=3600,
                         roleArns=[f"arn:aws:iam::{acct}:role/onprem"])
made["profile"] = prof["profile"]["profileId"]
# S3 access points: one open to everyone with its own block off, one for a
# named role only.
s3 = client("s3", E)
s3.create_bucket(Bucket=f"dw-{acct}-reports")
s3c = client("s3control", E)
OFF = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
       "RestrictPublicBuckets": False}
for ap, principal in (("reports-public", "*"), ("reports-team", {"AWS": f"arn:aws:iam::{acct}:role/reports"})):
    s3c.create_access_point(AccountId=acct, Name=ap, Bucket=f"dw-{acct}-reports",
                            PublicAccessBlockConfiguration=OFF)
    s3c.put_access_point_policy(AccountId=acct, Name=ap, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "read", "Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:{E}:{acct}:accesspoint/{ap}/object/*"}]}))
made["access_point_public"] = "reports-public"
made["access_point_team"] = "reports-team"
expect.append(["S3013", f"s3control.access_point/{E}/reports-public"])
made["expect"] = expect
emit(made)
