//! Customer-managed prefix lists, per region (DescribeManagedPrefixLists,
//! paginated), each with its entries (GetManagedPrefixListEntries, paginated,
//! started as its page arrives). Lists owned by `AWS` are skipped before any
//! entries call: they hold AWS's service ranges, not the account's choices.

use aws_sdk_ec2::types::ManagedPrefixList;
use aws_sdk_ec2::Client;

use super::ec2::tags;
use super::pipeline::{as_listed, send_all, Items};
use super::{each_page, Ctx, Failure};
use crate::kinds::{PrefixList, PrefixListEntry, EC2_PREFIX_LIST};
use crate::model::{Fetched, Resource};

/// The owner id AWS gives its own managed lists.
const AWS_OWNER: &str = "AWS";

pub(super) async fn prefix_lists(
    ctx: &Ctx,
    c: &Client,
    region: &str,
) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<ManagedPrefixList>| async move {
        let pages = c
            .describe_managed_prefix_lists()
            .max_results(100)
            .into_paginator()
            .send();
        each_page(ctx, pages, |page| {
            let mine = page
                .prefix_lists()
                .iter()
                .filter(|p| p.owner_id() != Some(AWS_OWNER));
            send_all(&tx, mine.cloned());
        })
        .await?;
        Ok(())
    };
    let (listed, read) = as_listed(listing, |p| async move {
        let id = p.prefix_list_id()?.to_string();
        let attrs = PrefixList {
            name: p.prefix_list_name().map(str::to_string),
            owner_id: p.owner_id().map(str::to_string),
            address_family: p.address_family().map(str::to_string),
            max_entries: p.max_entries(),
            entries: entries(ctx, c, &id).await,
            tags: tags(p.tags()),
        };
        let arn = p.prefix_list_arn().map(str::to_string);
        Some(Resource::new(EC2_PREFIX_LIST, region, id, arn, &attrs))
    })
    .await;
    listed?;
    Ok(read.into_iter().flatten().collect())
}

/// A list's entries, sorted; unknown when any page fails (a partial list
/// would look like a narrower one).
async fn entries(ctx: &Ctx, c: &Client, id: &str) -> Fetched<Vec<PrefixListEntry>> {
    let pages = c
        .get_managed_prefix_list_entries()
        .prefix_list_id(id)
        .max_results(100)
        .into_paginator()
        .send();
    super::fetched_pages(ctx, pages, |page| {
        page.entries()
            .iter()
            .filter_map(|e| {
                Some(PrefixListEntry {
                    cidr: e.cidr()?.to_string(),
                    description: e.description().map(str::to_string),
                })
            })
            .collect()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{ec2_denied, mock_ctx};
    use crate::kinds::PrefixList as Attrs;
    use aws_sdk_ec2::operation::describe_managed_prefix_lists::DescribeManagedPrefixListsOutput;
    use aws_sdk_ec2::operation::get_managed_prefix_list_entries::GetManagedPrefixListEntriesOutput;
    use aws_sdk_ec2::types::PrefixListEntry as SdkEntry;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn list(id: &str, owner: &str) -> ManagedPrefixList {
        ManagedPrefixList::builder()
            .prefix_list_id(id)
            .owner_id(owner)
            .prefix_list_name(id)
            .build()
    }

    #[tokio::test]
    async fn aws_lists_are_skipped_and_a_denied_entries_call_is_unknown() {
        let lists = mock!(Client::describe_managed_prefix_lists).then_output(|| {
            DescribeManagedPrefixListsOutput::builder()
                .prefix_lists(list("pl-s3", "AWS"))
                .prefix_lists(list("pl-mine", "111122223333"))
                .prefix_lists(list("pl-denied", "111122223333"))
                .build()
        });
        let entries = mock!(Client::get_managed_prefix_list_entries)
            .match_requests(|r| r.prefix_list_id() == Some("pl-mine"))
            .then_output(|| {
                GetManagedPrefixListEntriesOutput::builder()
                    .entries(SdkEntry::builder().cidr("128.0.0.0/1").build())
                    .entries(
                        SdkEntry::builder()
                            .cidr("0.0.0.0/1")
                            .description("a")
                            .build(),
                    )
                    .build()
            });
        let refused = mock!(Client::get_managed_prefix_list_entries)
            .match_requests(|r| r.prefix_list_id() == Some("pl-denied"))
            .then_http_response(ec2_denied);
        let c = mock_client!(
            aws_sdk_ec2,
            RuleMode::MatchAny,
            &[&lists, &entries, &refused]
        );
        let mut got = prefix_lists(&mock_ctx().await, &c, "us-east-1")
            .await
            .unwrap();
        got.sort_by_key(|r| r.native_id.clone());
        let ids: Vec<&str> = got.iter().map(|r| r.native_id.as_str()).collect();
        assert_eq!(ids, ["pl-denied", "pl-mine"]);
        let denied: Attrs =
            serde_json::from_value(serde_json::Value::clone(&got[0].attrs)).unwrap();
        assert_eq!(
            denied.entries,
            Fetched::Unknown("UnauthorizedOperation".into())
        );
        let mine: Attrs = serde_json::from_value(serde_json::Value::clone(&got[1].attrs)).unwrap();
        let cidrs: Vec<&str> = mine
            .entries
            .as_option()
            .unwrap()
            .iter()
            .map(|e| e.cidr.as_str())
            .collect();
        assert_eq!(cidrs, ["0.0.0.0/1", "128.0.0.0/1"]);
    }
}
