"""An organization for the many-accounts tests and benchmark: the account
found becomes its management account and creates member accounts (argv[1],
default 5; moto gives each an OrganizationAccountAccessRole trusting the
management account, as AWS does). Each member gets a bucket and a security group of its own.
The last two members go into a unit `prod`, the last one into `prod`'s
`payments`. Prints the organization id, the management account, the
members, the root and the unit."""
import sys

from common import account_id, client, emit
from org_member_access import member_client

org = client("organizations")
org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
members = []
for n in range(int(sys.argv[1]) if len(sys.argv) > 1 else 5):
    status = org.create_account(AccountName=f"team-{n}", Email=f"team-{n}@example.com")
    members.append(status["CreateAccountStatus"]["AccountId"])


for acct in members:
    member_client(acct, "s3").create_bucket(Bucket=f"dw-org-{acct}")
    ec2 = member_client(acct, "ec2")
    ec2.create_security_group(GroupName="app", Description="app tier")

# The last two members move into a unit, one of them into a unit below it.
root = org.list_roots()["Roots"][0]["Id"]
unit = org.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
inner = org.create_organizational_unit(ParentId=unit, Name="payments")["OrganizationalUnit"]["Id"]
for acct, dest in zip(members[-2:], [unit, inner]):
    org.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=dest)

emit({"org": org_id, "management": account_id(), "members": members, "root": root, "unit": unit})
