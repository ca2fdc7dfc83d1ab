"""Deploys deploy/driftwatch-readonly-role.yaml (argv[1]) into moto's
CloudFormation with the parameters in argv[2] (a JSON object), as
`aws cloudformation deploy` would, then prints what the stack made: the
role's trust policy, and each policy attached to it with its document."""
import json
import sys
import urllib.parse

from common import client, emit

template = open(sys.argv[1]).read()
params = json.loads(sys.argv[2])
cfn = client("cloudformation")
name = "driftwatch-readonly-" + str(abs(hash(sys.argv[2])) % 10**8)
cfn.create_stack(StackName=name, TemplateBody=template, Capabilities=["CAPABILITY_NAMED_IAM"],
                 Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()])
stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
iam = client("iam")
role_name = outputs["RoleArn"].rsplit("/", 1)[1]
role = iam.get_role(RoleName=role_name)["Role"]
trust = role["AssumeRolePolicyDocument"]
if isinstance(trust, str):
    trust = json.loads(urllib.parse.unquote(trust))
policies = []
for p in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
    meta = iam.get_policy(PolicyArn=p["PolicyArn"])["Policy"]
    doc = iam.get_policy_version(PolicyArn=p["PolicyArn"], VersionId=meta["DefaultVersionId"])
    doc = doc["PolicyVersion"]["Document"]
    if isinstance(doc, str):
        doc = json.loads(urllib.parse.unquote(doc))
    policies.append({"description": meta.get("Description", ""), "document": doc})
emit({"status": stack["StackStatus"], "role_arn": outputs["RoleArn"], "trust": trust,
      "policies": sorted(policies, key=lambda p: p["description"])})
