//! Item streams over the API's offset-paginated lists.
//!
//! A list answers `{"<items>": [...], "meta": {"page": {limit, offset, count,
//! total}}}`. [`Client::paginate`] turns any [`Paginated`] endpoint into a lazy
//! stream of items that fetches one page at a time (so at most one page is held in
//! memory), goes through the normal stack for each page (retries included), and
//! stops after the last page. [`Client::pages`] yields whole pages with their
//! metadata instead.
//!
//! The next offset is computed from what was asked and what came back, never from
//! what the server claims, and a server that answers a different offset than the
//! one asked for ends the stream with [`Error::Protocol`]: a broken server cannot
//! make a stream loop forever.

use std::borrow::Cow;

use futures_core::Stream;
use futures_util::stream;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::endpoint::Endpoint;
use crate::error::Error;

/// Page metadata of a list response (the Go SDK's `Meta`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    /// The page size that was applied.
    pub limit: u32,
    /// The offset of the first item of this page.
    pub offset: u32,
    /// How many items this page holds.
    pub count: u32,
    /// How many items the whole list holds.
    pub total: u32,
}

/// The `meta` object of a list response: `{"page": {...}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ListMeta {
    /// The page metadata.
    pub page: Meta,
}

/// A list response: items plus page metadata.
pub trait Page: DeserializeOwned {
    /// What the list holds.
    type Item;
    /// The page metadata, when the server sent it.
    fn meta(&self) -> Option<&Meta>;
    /// The items of this page, in order.
    fn items(&self) -> &[Self::Item];
    /// The items of this page, by value.
    fn into_items(self) -> Vec<Self::Item>;
}

/// A list endpoint whose pages can be walked with `_limit` / `_offset`.
pub trait Paginated: Endpoint<Response: Page> + Clone {
    /// The page size the API applies when none is asked for.
    const DEFAULT_PAGE_SIZE: u32;
    /// The page size asked for, if any.
    fn page_size(&self) -> Option<u32>;
    /// The offset asked for, if any.
    fn page_offset(&self) -> Option<u32>;
    /// A copy of this call asking for `limit` items from `offset`.
    fn at_page(&self, limit: u32, offset: u32) -> Self;
}

/// The item type of a paginated endpoint.
pub type ItemOf<E> = <<E as Endpoint>::Response as Page>::Item;

struct Cursor<E> {
    client: Client,
    endpoint: E,
    limit: u32,
    offset: u32,
    done: bool,
    /// An invalid endpoint (a limit of 0, say) fails the stream before any request.
    invalid: Option<Error>,
}

impl<E: Paginated> Cursor<E> {
    fn new(client: &Client, endpoint: E) -> Self {
        let invalid = endpoint.validate().err();
        let limit = endpoint.page_size().unwrap_or(E::DEFAULT_PAGE_SIZE).max(1);
        let offset = endpoint.page_offset().unwrap_or(0);
        Cursor {
            client: client.clone(),
            endpoint,
            limit,
            offset,
            done: false,
            invalid,
        }
    }

    /// Fetches the next page, and decides whether there is one after it.
    async fn next_page(&mut self) -> Option<Result<E::Response, Error>> {
        if self.done {
            return None;
        }
        if let Some(error) = self.invalid.take() {
            self.done = true;
            return Some(Err(error));
        }
        let call = self.endpoint.at_page(self.limit, self.offset);
        let page = match self.client.send(call).await {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let got = page.items().len() as u32;
        if let Some(meta) = page.meta()
            && meta.offset != self.offset
        {
            self.done = true;
            return Some(Err(Error::Protocol {
                operation: E::OPERATION,
                reason: Cow::Owned(format!(
                    "asked for offset {} and got a page at offset {}",
                    self.offset, meta.offset
                )),
            }));
        }
        let next = self.offset.saturating_add(got);
        let more = match page.meta() {
            Some(meta) => got > 0 && next < meta.total,
            None => got >= self.limit,
        };
        self.offset = next;
        self.done = !more || next == u32::MAX;
        Some(Ok(page))
    }
}

impl Client {
    /// Streams every item of a list, fetching pages lazily.
    ///
    /// The page size is the endpoint's `limit` if set, else the API's default; the
    /// walk starts at the endpoint's `offset` if set. An error ends the stream after
    /// being yielded.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt as _;
    /// use mgc::compute::ListInstances;
    ///
    /// # async fn run(client: mgc::Client) -> Result<(), mgc::Error> {
    /// let mut instances = std::pin::pin!(client.paginate(ListInstances::new().name("web")));
    /// while let Some(instance) = instances.try_next().await? {
    ///     println!("{} {:?}", instance.id, instance.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn paginate<E>(&self, endpoint: E) -> impl Stream<Item = Result<ItemOf<E>, Error>> + use<E>
    where
        E: Paginated,
    {
        let cursor = Cursor::new(self, endpoint);
        stream::unfold(
            (cursor, Vec::new().into_iter()),
            |(mut cursor, mut items)| async move {
                loop {
                    if let Some(item) = items.next() {
                        return Some((Ok(item), (cursor, items)));
                    }
                    match cursor.next_page().await? {
                        Ok(page) => items = page.into_items().into_iter(),
                        Err(e) => return Some((Err(e), (cursor, items))),
                    }
                }
            },
        )
    }

    /// Streams whole pages (items and [`Meta`]) of a list, fetched lazily.
    pub fn pages<E>(&self, endpoint: E) -> impl Stream<Item = Result<E::Response, Error>> + use<E>
    where
        E: Paginated,
    {
        stream::unfold(Cursor::new(self, endpoint), |mut cursor| async move {
            let page = cursor.next_page().await?;
            Some((page, cursor))
        })
    }
}
