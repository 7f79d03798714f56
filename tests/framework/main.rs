//! Framework tests: a real HTTP server on loopback, and assertions on what crossed
//! the wire. The endpoints used here are declared in this (user) crate with
//! `mgc::endpoint!`, the way a user adds an endpoint the SDK does not ship.

mod support;
#[path = "../support/tls_server.rs"]
mod tls_server;

mod causes;
mod headers;
mod hostile;
mod http2;
mod hygiene;
mod input;
mod layers;
mod load;
mod paging;
mod properties;
mod proxy;
mod responses;
mod retry;
mod secrets;
mod timeouts;
mod tls;

/// Endpoints declared outside the `mgc` crate.
pub mod things {
    use serde::Deserialize;

    /// A thing.
    #[derive(Debug, Deserialize, PartialEq)]
    pub struct Thing {
        /// Its id.
        pub id: String,
        /// Its name.
        pub name: String,
    }

    /// The id of a created thing.
    #[derive(Debug, Deserialize, PartialEq)]
    pub struct Created {
        /// The new id.
        pub id: String,
    }

    mgc::endpoint! {
        /// Reads a thing.
        pub struct GetThing {
            method: GET,
            path: "/v1/things/{id}",
            response: Thing,
            headers: { "x-api-version": "1.1" },
            required: {
                /// The thing's id.
                id: String => path;
            },
            optional: {
                /// Related objects to include.
                expand: Vec<String> => query;
            },
        }

        /// Creates a thing: never safe to repeat.
        pub struct CreateThing {
            method: POST,
            path: "/v1/things",
            response: Created,
            required: {
                /// Its name.
                name: String => body;
            },
        }

        /// An action the table marks safe to repeat.
        pub struct PokeThing {
            method: POST,
            path: "/v1/things/{id}/poke",
            response: (),
            idempotent: true,
            required: {
                /// The thing's id.
                id: String => path;
            },
        }
    }
}

/// A list endpoint declared outside the crate, walked with `Client::paginate`.
pub mod widgets {
    use serde::Deserialize;

    /// A page of widgets.
    #[derive(Debug, Deserialize)]
    pub struct WidgetPage {
        /// The widgets.
        pub widgets: Vec<String>,
        /// Page metadata.
        pub meta: mgc::ListMeta,
    }

    impl mgc::Page for WidgetPage {
        type Item = String;
        fn meta(&self) -> Option<&mgc::Meta> {
            Some(&self.meta.page)
        }
        fn items(&self) -> &[String] {
            &self.widgets
        }
        fn into_items(self) -> Vec<String> {
            self.widgets
        }
    }

    mgc::endpoint! {
        /// Lists widgets.
        pub struct ListWidgets {
            method: GET,
            path: "/v1/widgets",
            response: WidgetPage,
            optional: {
                /// Page size.
                limit: u32 => query "_limit";
                /// First item.
                offset: u32 => query "_offset";
            },
        }
    }

    impl mgc::Paginated for ListWidgets {
        const DEFAULT_PAGE_SIZE: u32 = 2;
        fn page_size(&self) -> Option<u32> {
            self.limit
        }
        fn page_offset(&self) -> Option<u32> {
            self.offset
        }
        fn at_page(&self, limit: u32, offset: u32) -> Self {
            self.clone().limit(limit).offset(offset)
        }
    }
}
