//! Turning SDK answers into snapshot values: times, every page of a list,
//! resource policies, and one value that may be absent or unreadable
//! ([`crate::model::Fetched`]), so a denied or failed read is unknown,
//! never an empty list or a missing value.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::result::SdkError;

use super::{classify, Ctx};

/// Converts an SDK timestamp to RFC 3339 UTC.
pub(crate) fn ts(t: &aws_smithy_types::DateTime) -> String {
    t.fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| t.secs().to_string())
}

/// A failed read of one resource by its id: absent where AWS's code says
/// the resource does not exist (each kind names its codes), else unknown
/// with the code. A resource that cannot be read is never "deleted".
pub(crate) fn gone_or_unknown<T, E, R>(
    e: &SdkError<E, R>,
    gone: &[&str],
) -> crate::model::Fetched<T>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let f = classify(e);
    if gone.contains(&f.code.as_str()) {
        crate::model::Fetched::Absent
    } else {
        crate::model::Fetched::Unknown(f.code)
    }
}

/// Every page of a listing through the run's context (each page request
/// under the rate bucket and a permit), handed to `each` as it arrives;
/// the first failure ends the listing, classified. A listing cut short
/// must never read as a shorter one: callers turn the failure into
/// coverage.
pub(crate) async fn each_page<O, E, R>(
    ctx: &Ctx,
    mut pages: PaginationStream<Result<O, SdkError<E, R>>>,
    mut each: impl FnMut(O),
) -> Result<(), super::Failure>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    while let Some(page) = ctx.call(pages.try_next()).await.map_err(|e| classify(&e))? {
        each(page);
    }
    Ok(())
}

/// Every item of every page, sorted, or unknown when any page fails: a
/// partial list would read as a shorter one.
pub(crate) async fn fetched_pages<O, E, R, T: Ord>(
    ctx: &Ctx,
    mut pages: PaginationStream<Result<O, SdkError<E, R>>>,
    items: impl Fn(&O) -> Vec<T>,
) -> crate::model::Fetched<Vec<T>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let mut out = Vec::new();
    loop {
        match ctx.call(pages.try_next()).await {
            Ok(Some(page)) => out.extend(items(&page)),
            Ok(None) => break,
            Err(e) => return gone_or_unknown(&e, &[]),
        }
    }
    out.sort();
    crate::model::Fetched::Present(out)
}

/// A resource policy as a service returned it: absent, normalized, or
/// unknown when it is not a policy document we can read.
pub(crate) fn fetched_policy(text: Option<&str>) -> crate::model::Fetched<serde_json::Value> {
    use crate::model::Fetched;
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Fetched::Absent,
        Some(t) => crate::model::policy::parse_document(t).map_or_else(
            |_| Fetched::Unknown("UnparseablePolicy".into()),
            Fetched::Present,
        ),
    }
}
