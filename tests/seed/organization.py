"""Makes the account found an organization of its own; prints its id."""
from common import client, emit

emit(client("organizations").create_organization(FeatureSet="ALL")["Organization"]["Id"])
