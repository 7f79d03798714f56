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
//!
//! ## Resuming after an error
//!
//! An error ends a stream, but not the listing: the stream knows where it stood.
//! [`Paginate::position`] gives the offset of the first item it has not yielded
//! (after an error, the offset of the page that failed) and how many items it
//! yielded; [`Paginate::resume`] gives the endpoint, filters and page size
//! unchanged, that starts a new stream right there. So a listing of 10,000
//! instances that fails on page 40 continues from page 40, and every item is
//! seen once:
//!
//! ```no_run
//! use futures_util::StreamExt as _;
//! use mgc::compute::ListInstances;
//!
//! # async fn run(client: mgc::Client) {
//! let mut list = Box::pin(client.paginate(ListInstances::new().limit(250u32)));
//! let mut failures = 0;
//! loop {
//!     match list.next().await {
//!         Some(Ok(instance)) => println!("{}", instance.id),
//!         Some(Err(error)) if failures < 3 => {
//!             failures += 1;
//!             let at = list.position();
//!             eprintln!("page at offset {} failed after {} items: {error}", at.offset, at.yielded);
//!             list = Box::pin(client.paginate(list.resume()));
//!         }
//!         Some(Err(error)) => panic!("{error}"),
//!         None => break,
//!     }
//! }
//! # }
//! ```
//!
//! A walk runs in an `mgc.paginate` span (INFO) with `mgc.operation`,
//! `mgc.page_size` and `mgc.start_offset`; as it goes `mgc.pages` and `mgc.offset`
//! (the next page's); when a page fails, `error.type`, `mgc.failed_offset` and
//! `mgc.yielded`, and an event `page failed` saying where to resume. Each page is
//! an `mgc.call` span below it.

use std::borrow::Cow;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use futures_core::stream::FusedStream;
use futures_util::stream;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::client::{Client, report_failure};
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
    /// Where the walk began, for `mgc.yielded`.
    start: u32,
    pages: u32,
    /// The `mgc.paginate` span every page's call runs in.
    span: tracing::Span,
}

impl<E: Paginated> Cursor<E> {
    fn new(client: &Client, endpoint: E) -> Self {
        let invalid = endpoint.validate().err();
        let limit = endpoint.page_size().unwrap_or(E::DEFAULT_PAGE_SIZE).max(1);
        let offset = endpoint.page_offset().unwrap_or(0);
        let span = tracing::info_span!(
            "mgc.paginate",
            "mgc.operation" = E::OPERATION,
            "mgc.page_size" = limit,
            "mgc.start_offset" = offset,
            "mgc.pages" = Empty,
            "mgc.offset" = Empty,
            "mgc.failed_offset" = Empty,
            "mgc.yielded" = Empty,
            "error.type" = Empty,
            "otel.status_code" = Empty,
        );
        Cursor {
            client: client.clone(),
            endpoint,
            limit,
            offset,
            done: false,
            invalid,
            start: offset,
            pages: 0,
            span,
        }
    }

    /// Ends the walk with `error`, saying on the span where it stood.
    fn fail(&mut self, error: Error) -> Option<Result<E::Response, Error>> {
        self.done = true;
        let yielded = self.offset - self.start;
        self.span.record("mgc.failed_offset", self.offset);
        self.span.record("mgc.yielded", yielded);
        report_failure(&self.span, &error, "page failed");
        Some(Err(Error::PageFailed {
            operation: E::OPERATION,
            offset: self.offset,
            yielded,
            source: Box::new(error),
        }))
    }

    /// Fetches the next page, and decides whether there is one after it.
    async fn next_page(&mut self) -> Option<Result<E::Response, Error>> {
        if self.done {
            return None;
        }
        if let Some(error) = self.invalid.take() {
            // Nothing was fetched and a resume would fail the same way: the
            // input error itself, not a page failure.
            self.done = true;
            report_failure(&self.span, &error, "page failed");
            return Some(Err(error));
        }
        let call = self.endpoint.at_page(self.limit, self.offset);
        let sent = self.client.send(call).instrument(self.span.clone()).await;
        self.pages += 1;
        self.span.record("mgc.pages", self.pages);
        let page = match sent {
            Ok(page) => page,
            Err(e) => return self.fail(e),
        };
        let got = page.items().len() as u32;
        if let Some(meta) = page.meta()
            && meta.offset != self.offset
        {
            return self.fail(Error::Protocol {
                operation: E::OPERATION,
                reason: Cow::Owned(format!(
                    "asked for offset {} and got a page at offset {}",
                    self.offset, meta.offset
                )),
            });
        }
        let next = self.offset.saturating_add(got);
        let more = match page.meta() {
            Some(meta) => got > 0 && next < meta.total,
            None => got >= self.limit,
        };
        self.offset = next;
        self.span.record("mgc.offset", next);
        self.done = !more || next == u32::MAX;
        Some(Ok(page))
    }
}

/// Where a walk over a list stands: what [`Paginate::position`] and
/// [`Pages::position`] tell.
///
/// Non-exhaustive: later versions may tell more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Position {
    /// The offset of the first item not yet yielded. After an error, the offset of
    /// the page that failed: where a resumed stream starts.
    pub offset: u32,
    /// How many items the stream has yielded (for [`Client::pages`], the items of
    /// the pages it yielded).
    pub yielded: u32,
    /// The page size of the walk.
    pub limit: u32,
}

/// The endpoint, the start and the count: what a stream needs to say where it is.
struct Mark<E> {
    endpoint: E,
    start: u32,
    yielded: u32,
}

impl<E: Paginated> Mark<E> {
    fn new(endpoint: &E) -> Self {
        Mark {
            endpoint: endpoint.clone(),
            start: endpoint.page_offset().unwrap_or(0),
            yielded: 0,
        }
    }

    fn limit(&self) -> u32 {
        self.endpoint.page_size().unwrap_or(E::DEFAULT_PAGE_SIZE)
    }

    fn position(&self) -> Position {
        Position {
            // Pages are fetched only once the previous one is yielded in full, so
            // the next page (or the one that failed) starts right after the last
            // item yielded.
            offset: self.start.saturating_add(self.yielded),
            yielded: self.yielded,
            limit: self.limit(),
        }
    }

    fn resume(&self) -> E {
        self.endpoint.at_page(self.limit(), self.position().offset)
    }
}

macro_rules! walk_type {
    ($(#[$doc:meta])* $name:ident, $item:ty, $count:expr) => {
        $(#[$doc])*
        #[must_use = "streams do nothing unless polled"]
        pub struct $name<E, S> {
            stream: Pin<Box<S>>,
            mark: Mark<E>,
        }

        impl<E: Paginated, S> $name<E, S> {
            /// Where the stream stands: the offset of the first item not yet
            /// yielded (after an error, of the page that failed), and how many
            /// items it yielded.
            pub fn position(&self) -> Position {
                self.mark.position()
            }

            /// The endpoint that continues this walk where it stands: the same
            /// filters and page size, at [`position`](Self::position)'s offset.
            /// Hand it to a new stream after an error.
            pub fn resume(&self) -> E {
                self.mark.resume()
            }
        }

        // Nothing is ever pinned through `Mark` (the stream is boxed), so the
        // stream can move whatever the endpoint is.
        impl<E, S> Unpin for $name<E, S> {}

        impl<E, S> Stream for $name<E, S>
        where
            E: Paginated,
            S: Stream<Item = Result<$item, Error>>,
        {
            type Item = Result<$item, Error>;

            fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                let this = self.get_mut();
                let next = ready!(this.stream.as_mut().poll_next(cx));
                if let Some(Ok(yielded)) = &next {
                    let count: fn(&$item) -> u32 = $count;
                    this.mark.yielded = this.mark.yielded.saturating_add(count(yielded));
                }
                Poll::Ready(next)
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.stream.size_hint()
            }
        }

        impl<E, S> FusedStream for $name<E, S>
        where
            E: Paginated,
            S: FusedStream<Item = Result<$item, Error>>,
        {
            fn is_terminated(&self) -> bool {
                self.stream.is_terminated()
            }
        }

        impl<E: Paginated, S> fmt::Debug for $name<E, S> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("operation", &E::OPERATION)
                    .field("position", &self.position())
                    .finish_non_exhaustive()
            }
        }
    };
}

walk_type!(
    /// The item stream of [`Client::paginate`]: a [`Stream`] of items that knows
    /// where it stands, so a walk that failed can [`resume`](Self::resume).
    Paginate,
    ItemOf<E>,
    |_| 1
);

walk_type!(
    /// The page stream of [`Client::pages`]: a [`Stream`] of pages that knows
    /// where it stands, so a walk that failed can [`resume`](Self::resume).
    Pages,
    E::Response,
    |page| u32::try_from(page.items().len()).unwrap_or(u32::MAX)
);

impl Client {
    /// Streams every item of a list, fetching pages lazily.
    ///
    /// The page size is the endpoint's `limit` if set, else the API's default; the
    /// walk starts at the endpoint's `offset` if set. An error ends the stream after
    /// being yielded; [`Paginate::position`] then says where it stood and
    /// [`Paginate::resume`] gives the endpoint that continues from there (see
    /// [the module docs](self#resuming-after-an-error)).
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
    pub fn paginate<E>(
        &self,
        endpoint: E,
    ) -> Paginate<E, impl Stream<Item = Result<ItemOf<E>, Error>> + use<E>>
    where
        E: Paginated,
    {
        let mark = Mark::new(&endpoint);
        let cursor = Cursor::new(self, endpoint);
        let stream = stream::unfold(
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
        );
        Paginate {
            stream: Box::pin(stream),
            mark,
        }
    }

    /// Streams whole pages (items and [`Meta`]) of a list, fetched lazily; like
    /// [`paginate`](Self::paginate), it knows where it stands
    /// ([`Pages::position`], [`Pages::resume`]).
    pub fn pages<E>(
        &self,
        endpoint: E,
    ) -> Pages<E, impl Stream<Item = Result<E::Response, Error>> + use<E>>
    where
        E: Paginated,
    {
        let mark = Mark::new(&endpoint);
        let stream = stream::unfold(Cursor::new(self, endpoint), |mut cursor| async move {
            let page = cursor.next_page().await?;
            Some((page, cursor))
        });
        Pages {
            stream: Box::pin(stream),
            mark,
        }
    }
}
