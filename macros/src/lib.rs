//! The declarative endpoint macro behind the [`mgc`](https://docs.rs/mgc) SDK.
//!
//! Use it through `mgc::endpoint!`: the generated code names items of the `mgc`
//! crate (`::mgc::Endpoint`, `::mgc::endpoint::Query`, ...), so a crate that
//! declares endpoints depends on `mgc` and needs nothing else.
//!
//! The grammar is documented on [`endpoint!`] (and on `mgc::endpoint!`, the same
//! macro re-exported).
#![no_std]
#![forbid(unsafe_code)]

#[doc(hidden)]
pub use pastey as __pastey;

/// What one row of the table puts on the wire, as the row declares it: emitted by
/// [`endpoint!`] as the hidden associated const `WIRE`, so a check can compare
/// the table with the API's description without sending anything.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire {
    /// The success status the row expects (`status:`; 200 when not given).
    pub status: u16,
    /// Each field: its location (`path`, `query`, `body`, `json`), its wire name,
    /// and whether every request carries it (a required field, or an optional one
    /// with a `default`).
    pub fields: &'static [(&'static str, &'static str, bool)],
    /// Differences from the API's description the row keeps on purpose: the
    /// difference as the check words it, and why.
    pub deliberate: &'static [(&'static str, &'static str)],
}

/// Whether `a` and `b` hold the same bytes (`==` on `str` is not `const`).
const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `names` holds `name` (the empty string stands for "not a path field").
const fn holds(names: &[&str], name: &[u8]) -> bool {
    let mut i = 0;
    while i < names.len() {
        if same(names[i].as_bytes(), name) {
            return true;
        }
        i += 1;
    }
    false
}

/// Checks the `{name}` placeholders of a path template against the row's `=> path`
/// fields (an empty string stands for a field that is not one): 0 when each
/// placeholder has its field, 1 when a brace is unbalanced, 2 when a placeholder
/// has no field. Run by [`endpoint!`] at compile time.
#[doc(hidden)]
pub const fn path_problem(template: &str, fields: &[&str]) -> u8 {
    let bytes = template.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                let mut end = i + 1;
                while end < bytes.len() && bytes[end] != b'}' && bytes[end] != b'{' {
                    end += 1;
                }
                if end == bytes.len() || bytes[end] == b'{' {
                    return 1;
                }
                let (_, rest) = bytes.split_at(i + 1);
                let (name, _) = rest.split_at(end - i - 1);
                if name.is_empty() || !holds(fields, name) {
                    return 2;
                }
                i = end;
            }
            b'}' => return 1,
            _ => {}
        }
        i += 1;
    }
    0
}

/// Whether the path template holds the placeholder `{name}`. Run by
/// [`endpoint!`] at compile time.
#[doc(hidden)]
pub const fn has_placeholder(template: &str, name: &str) -> bool {
    let (t, n) = (template.as_bytes(), name.as_bytes());
    let mut i = 0;
    while i + n.len() + 2 <= t.len() {
        if t[i] == b'{' && t[i + n.len() + 1] == b'}' {
            let (_, rest) = t.split_at(i + 1);
            let (candidate, _) = rest.split_at(n.len());
            if same(candidate, n) {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// Whether every byte of `text` is a header-name byte (`name`: RFC 9110 token
/// characters, lowercase, as `http` takes them from a static string) or a
/// header-value byte (visible ASCII, spaces and tabs).
const fn header_bytes(text: &str, name: bool) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ok = if name {
            matches!(b,
                b'a'..=b'z' | b'0'..=b'9' | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*'
                | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
        } else {
            b == b'\t' || (b >= b' ' && b < 0x7f)
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `name` is a header name `http` accepts as is. Run by [`endpoint!`]
/// at compile time.
#[doc(hidden)]
pub const fn header_name_ok(name: &str) -> bool {
    !name.is_empty() && header_bytes(name, true)
}

/// Whether `value` is a header value. Run by [`endpoint!`] at compile time.
#[doc(hidden)]
pub const fn header_value_ok(value: &str) -> bool {
    header_bytes(value, false)
}

/// Declares API endpoints from table entries.
///
/// One entry describes one API call, the way the API reference does:
///
/// ```text
/// mgc::endpoint! {
///     /// Starts a stopped or suspended instance.
///     pub struct StartInstance {
///         method: POST,
///         path: "/v1/instances/{id}/start",
///         response: (),
///         idempotent: true,
///         required: {
///             /// The instance id.
///             id: String => path;
///         },
///     }
/// }
/// ```
///
/// The keys come in this order, the optional ones may be left out: `method`
/// (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`), `path`, `response`, `status`,
/// `idempotent`, `sensitive`, `headers: { "name": "value", .. }`, `paging: { .. }`,
/// `required: { .. }`, `optional: { .. }`, `deliberate: { .. }`.
///
/// Every field says where it goes on the wire:
///
/// * `=> path` fills the `{field}` placeholder of the path template with the value,
///   percent-encoded as exactly one path segment (required fields only);
/// * `=> query` or `=> query "wire-name"` adds a query pair (lists are comma-joined);
/// * `=> body` or `=> body "wire_name"` becomes a member of the JSON body object;
/// * `=> json` makes the (required) field the whole JSON body, for APIs whose body is
///   a named request type; don't mix it with `body` fields.
///
/// `response` is the type a success answer's JSON body decodes into; a body that
/// is not one (including an empty body, a `204`) is a decode error naming the
/// JSON path. `response: ()`, written just so, declares an action whose answer
/// has no body to read: the call returns `()` and whatever body comes with the
/// success status (none, `{}`, anything) is ignored. (An alias of `()` is not
/// read as the row saying so: it is decoded as JSON, where only an empty body
/// passes.)
///
/// `status: 202` names the success status the API answers (200 when left out);
/// `deliberate: { "difference" => "reason" }` lists, next to the row, where it
/// departs on purpose from the API's description (both only feed the check that
/// compares the table with the description; nothing is checked at run time).
///
/// An optional field may carry `default = expr`: the value `new(..)` starts it
/// with, for a parameter the API requires but gives a default (the setter still
/// replaces it). An optional `check = path::to::fn` names a function `fn(&'static str, &T) ->
/// Result<(), mgc::Error>` that validates the value before anything is sent.
/// Fields under `required` become arguments of `new(..)` (each takes
/// `impl Into<T>`); fields under `optional` become chainable setters, which take
/// `impl Into<T>` unless the field ends with `setter = exact` (the setter takes
/// `T` itself, so an integer literal infers: `.max_lines_count(100)`) or
/// `setter = list` (for a `Vec<T>`: any iterator of values that convert into
/// `T`, so `.labels(["a", "b"])`, `.expand([Expand::Image])` and `vec![..]` all
/// work). `headers` adds static headers; `idempotent: true` marks the call as
/// safe to repeat after a server error (see the retry policy); `sensitive: true`
/// keeps the response body out of decode errors (it may hold a secret).
///
/// A list endpoint declares its paging in the row:
///
/// ```text
/// paging: {
///     items: instances: Instance ["instances"], // the field of the response, its item type, its JSON member(s)
///     default: 50,                              // the API's default page size
///     limit: checks::limit,                     // the check of the page size
///     sort: "created_at:asc",                   // the API's default order (for the docs)
/// },
/// ```
///
/// which gives the endpoint `limit`, `offset` and `sort` fields and setters (sent
/// first, as `_limit`, `_offset`, `_sort`; `limit(10)` takes a plain integer),
/// [`Paginated`](https://docs.rs/mgc/latest/mgc/paging/trait.Paginated.html) for
/// the endpoint, and `Page` and `Deserialize` for the response type, which must
/// hold `items: Vec<Item>` and `meta: Option<mgc::ListMeta>` (and not derive
/// `Deserialize`): a body that is not an object fails, a missing item list is an
/// empty page, an unreadable `meta` is `None`.
///
/// Each row gets a `ROW` const, the row as data (`mgc::endpoint::Operation`: type
/// and operation names, method, path, success status, retry safety, headers,
/// default page size). A table that starts with `#![operations(pub(crate) NAME)]`
/// also gets `const NAME: &[Operation]` listing its rows in order, from which
/// `mgc::compute::OPERATIONS` is built.
///
/// Mistakes in a row fail to compile with a message that names the row: an
/// unknown key or keys out of order, a wire location other than the four, a
/// `json` or `path` field under `optional`, `json` mixed with `body`, a
/// `{placeholder}` with no `=> path` field or such a field with no placeholder,
/// a static header name or value that is not one (tests/compile_fail).
///
/// The expansion is flat: each row expands on its own into one struct, one
/// inherent impl, one `Endpoint` impl and one `Serialize` impl (and the paging
/// impls), with no recursion across rows, so a table of hundreds of rows compiles
/// in linear time. Only a row that does not parse is walked token by token, to
/// name what is wrong.
#[macro_export]
macro_rules! endpoint {
    // --- the table: each row is expanded on its own (no recursion across rows) ---
    (
        $(#![operations($lvis:vis $list:ident)])?
        $(
            $(#[$meta:meta])*
            $vis:vis struct $name:ident { $($body:tt)* }
        )*
    ) => {
        $( $crate::endpoint!(@row [$(#[$meta])*] [$vis] $name { $($body)* }); )*
        $crate::endpoint!(@list [$($lvis $list)?] [$($name)*]);
    };

    (@list [] [$($name:ident)*]) => {};
    (@list [$lvis:vis $list:ident] [$($name:ident)*]) => {
        #[doc = concat!("The rows of this table, in order: ", stringify!($($name),*), ".")]
        $lvis const $list: &[::mgc::endpoint::Operation] = &[$(<$name>::ROW),*];
    };

    // --- how the row reads its answer: `response: ()` says there is no body to
    // read (matched on the tokens, so it is the row that says it, not the type's
    // size); any other response type is decoded as JSON ---
    (@row [$($meta:tt)*] [$($vis:tt)*] $name:ident {
        method: $method:tt, path: $path:tt, response: (), $($rest:tt)*
    }) => {
        $crate::endpoint!(@expand [no_content] [$($meta)*] [$($vis)*] $name {
            method: $method, path: $path, response: (), $($rest)*
        });
    };
    (@row [$($meta:tt)*] [$($vis:tt)*] $name:ident { $($body:tt)* }) => {
        $crate::endpoint!(@expand [json] [$($meta)*] [$($vis)*] $name { $($body)* });
    };

    // --- one row, in the grammar documented above ---
    (@expand [$read:ident] [$(#[$meta:meta])*] [$vis:vis] $name:ident {
        method: $method:ident,
        path: $path:literal,
        response: $resp:ty,
        $(status: $status:literal,)?
        $(idempotent: $idem:literal,)?
        $(sensitive: $sens:literal,)?
        $(headers: { $($hk:literal : $hv:literal),* $(,)? },)?
        $(paging: {
            items: $items:ident : $item:ty [$($iw:literal),+],
            default: $size:literal,
            limit: $lcheck:path,
            sort: $sortdef:literal $(,)?
        },)?
        $(required: {
            $(
                $(#[$rdoc:meta])*
                $rf:ident : $rt:ty => $rloc:ident $($rwire:literal)? $(, check = $rcheck:path)?;
            )*
        },)?
        $(optional: {
            $(
                $(#[$odoc:meta])*
                $of:ident : $ot:ty => $oloc:ident $($owire:literal)?
                    $(, default = $odef:expr)? $(, check = $ocheck:path)? $(, setter = $oset:ident)?;
            )*
        },)?
        $(deliberate: { $($dk:literal => $dr:literal),* $(,)? },)?
    }) => {
        $crate::__pastey::paste! {
            $(#[$meta])*
            #[doc = ""]
            #[doc = concat!("`", stringify!($method), " ", $path, "`")]
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            #[must_use = "an endpoint does nothing until it is sent with `Client::send`"]
            $vis struct $name {
                $(
                    #[doc = concat!("Page size (the API's default: ", stringify!($size), "); `Client::paginate` sets it for each page.")]
                    pub limit: ::core::option::Option<u32>,
                    /// How many items to skip; `Client::paginate` starts here.
                    pub offset: ::core::option::Option<u32>,
                    #[doc = concat!("Order, e.g. `name:asc,created_at:desc` (the API's default: `", $sortdef, "`).")]
                    pub sort: ::core::option::Option<::mgc::__private::String>,
                )?
                $($(
                    $(#[$rdoc])*
                    pub $rf: $rt,
                )*)?
                $($(
                    $(#[$odoc])*
                    pub $of: ::core::option::Option<$ot>,
                )*)?
            }

            #[allow(deprecated)] // a deprecated field is still the row's to fill
            impl $name {
                /// What this row puts on the wire, for checks against the API's
                /// description (not part of the stable API).
                #[doc(hidden)]
                pub const WIRE: $crate::Wire = $crate::Wire {
                    status: $crate::endpoint!(@status $($status)?),
                    fields: &[
                        $(
                            ("query", "_limit", false), ("query", "_offset", false),
                            ("query", $crate::endpoint!(@sort_wire $sortdef), false),
                        )?
                        $($(
                            (stringify!($rloc), $crate::endpoint!(@wire [$($rwire)? stringify!($rf)]), true),
                        )*)?
                        $($(
                            (stringify!($oloc), $crate::endpoint!(@wire [$($owire)? stringify!($of)]), $crate::endpoint!(@has $($odef)?)),
                        )*)?
                    ],
                    deliberate: &[$($(($dk, $dr)),*)?],
                };

                /// This row of the table as data: its names, method, path template,
                /// success status and retry safety (see [`Operation`](::mgc::endpoint::Operation)).
                pub const ROW: ::mgc::endpoint::Operation = ::mgc::endpoint::Operation::__row(
                    stringify!($name),
                    stringify!([<$name:snake>]),
                    stringify!($method),
                    $path,
                    $crate::endpoint!(@status $($status)?),
                    false $(|| $idem)?,
                    false $(|| $idem)? || $crate::endpoint!(@safe $method),
                    &[$($(($hk, $hv)),*)?],
                    $crate::endpoint!(@page_size $($size)?),
                );

                #[doc = concat!("Creates a `", stringify!($name), "` from its required fields; optional ones start unset.")]
                #[allow(clippy::new_without_default)]
                pub fn new($($($rf: impl ::core::convert::Into<$rt>),*)?) -> Self {
                    Self {
                        $(
                            limit: $crate::endpoint!(@none $size),
                            offset: ::core::option::Option::None,
                            sort: ::core::option::Option::None,
                        )?
                        $($($rf: $rf.into(),)*)?
                        $($($of: $crate::endpoint!(@default $($odef)?),)*)?
                    }
                }

                $(
                    #[doc = concat!("Page size (the API's default: ", stringify!($size), "); takes a plain integer, `.limit(10)`.")]
                    pub fn limit(mut self, value: u32) -> Self {
                        self.limit = ::core::option::Option::Some(value);
                        self
                    }
                    /// How many items to skip.
                    pub fn offset(mut self, value: u32) -> Self {
                        self.offset = ::core::option::Option::Some(value);
                        self
                    }
                    #[doc = concat!("Order, e.g. `name:asc,created_at:desc` (the API's default: `", $sortdef, "`).")]
                    pub fn sort(mut self, value: impl ::core::convert::Into<::mgc::__private::String>) -> Self {
                        self.sort = ::core::option::Option::Some(value.into());
                        self
                    }
                )?
                $($(
                    $crate::endpoint!(@setter $name [$(#[$odoc])*] $of $ot [$($oset)?]);
                )*)?
            }

            // Mistakes in the row, named with the row: wire locations, the body, the
            // path template and its fields, static headers.
            const _: () = {
                $crate::endpoint!(@method $name $method);
                $($( $crate::endpoint!(@loc $name $rf $rloc); )*)?
                $($( $crate::endpoint!(@optional_loc $name $of $oloc); )*)?
                let json = false $($(|| $crate::endpoint!(@is json $rloc))*)?;
                let fields = false
                    $($(|| $crate::endpoint!(@is body $rloc))*)?
                    $($(|| $crate::endpoint!(@is body $oloc))*)?;
                assert!(
                    !(json && fields),
                    "{}", concat!("`", stringify!($name), "`: the body is one `json` field or `body` fields, not both")
                );
                let path_fields: &[&str] = &[$($($crate::endpoint!(@path_name $rloc $rf)),*)?];
                match $crate::path_problem($path, path_fields) {
                    0 => {}
                    1 => panic!("{}", concat!("`", stringify!($name), "`: the path \"", $path, "\" has an unbalanced `{` or `}`")),
                    _ => panic!("{}", concat!("`", stringify!($name), "`: the path \"", $path, "\" has a `{placeholder}` that no `=> path` field fills")),
                }
                $($(
                    $crate::endpoint!(@placeholder $name $path $rloc $rf);
                )*)?
                $($(
                    assert!(
                        $crate::header_name_ok($hk),
                        "{}", concat!("`", stringify!($name), "`: \"", $hk, "\" is not a valid header name (lowercase token characters)")
                    );
                    assert!(
                        $crate::header_value_ok($hv),
                        "{}", concat!("`", stringify!($name), "`: the value of header \"", $hk, "\" is not a valid header value")
                    );
                )*)?
            };

            $(
                impl ::mgc::Paginated for $name {
                    const DEFAULT_PAGE_SIZE: u32 = $size;

                    fn page_size(&self) -> ::core::option::Option<u32> {
                        self.limit
                    }

                    fn page_offset(&self) -> ::core::option::Option<u32> {
                        self.offset
                    }

                    fn at_page(&self, limit: u32, offset: u32) -> Self {
                        let mut call = self.clone();
                        call.limit = ::core::option::Option::Some(limit);
                        call.offset = ::core::option::Option::Some(offset);
                        call
                    }
                }

                impl ::mgc::Page for $resp {
                    type Item = $item;

                    fn meta(&self) -> ::core::option::Option<&::mgc::Meta> {
                        self.meta.as_ref().map(|meta| &meta.page)
                    }

                    fn items(&self) -> &[$item] {
                        &self.$items
                    }

                    fn into_items(self) -> ::std::vec::Vec<$item> {
                        self.$items
                    }
                }

                impl<'de> ::mgc::__private::serde::Deserialize<'de> for $resp {
                    fn deserialize<D: ::mgc::__private::serde::Deserializer<'de>>(
                        deserializer: D,
                    ) -> ::core::result::Result<Self, D::Error> {
                        let (items, meta) = ::mgc::endpoint::read_page(
                            deserializer,
                            stringify!($resp),
                            &[$($iw),+],
                        )?;
                        ::core::result::Result::Ok(Self { $items: items, meta })
                    }
                }
            )?

            #[allow(deprecated)]
            impl ::mgc::Endpoint for $name {
                type Response = $resp;

                const OPERATION: &'static str = stringify!([<$name:snake>]);
                const METHOD: ::mgc::__private::http::Method = ::mgc::__private::http::Method::$method;
                const PATH_TEMPLATE: &'static str = $path;
                const IDEMPOTENT: bool = false $(|| $idem)?;
                const SENSITIVE_RESPONSE: bool = false $(|| $sens)?;
                const HEADERS: &'static [(&'static str, &'static str)] = &[$($(($hk, $hv)),*)?];
                const HAS_BODY: bool = false
                    $($(|| $crate::endpoint!(@is_body $rloc))*)?
                    $($(|| $crate::endpoint!(@is_body $oloc))*)?;

                $crate::endpoint!(@decode $read);

                fn validate(&self) -> ::core::result::Result<(), ::mgc::Error> {
                    $(
                        if let ::core::option::Option::Some(value) = &self.limit {
                            $lcheck("limit", value)?;
                        }
                        if let ::core::option::Option::Some(value) = &self.offset {
                            ::mgc::compute::checks::offset("offset", value)?;
                        }
                        if let ::core::option::Option::Some(value) = &self.sort {
                            ::mgc::compute::checks::sort("sort", value)?;
                        }
                    )?
                    $($(
                        $crate::endpoint!(@check_path $rloc $rf &self.$rf);
                        $( $rcheck(stringify!($rf), &self.$rf)?; )?
                    )*)?
                    $($(
                        if let ::core::option::Option::Some(value) = &self.$of {
                            $( $ocheck(stringify!($of), value)?; )?
                            let _ = value;
                        }
                    )*)?
                    ::core::result::Result::Ok(())
                }

                fn write_path(&self, out: &mut ::mgc::__private::String) {
                    ::mgc::endpoint::write_path(out, $path, &|name: &str, out: &mut ::mgc::__private::String| {
                        $($( $crate::endpoint!(@path_arg $rloc $rf self name out); )*)?
                        let _ = (name, out);
                    });
                }

                fn write_query(&self, query: &mut ::mgc::endpoint::Query) {
                    $(
                        if let ::core::option::Option::Some(value) = &self.limit {
                            query.push("_limit", value);
                        }
                        if let ::core::option::Option::Some(value) = &self.offset {
                            query.push("_offset", value);
                        }
                        if let ::core::option::Option::Some(value) = &self.sort {
                            query.push($crate::endpoint!(@sort_wire $sortdef), value);
                        }
                    )?
                    $($(
                        $crate::endpoint!(@query $rloc query [$($rwire)? stringify!($rf)] &self.$rf);
                    )*)?
                    $($(
                        if let ::core::option::Option::Some(value) = &self.$of {
                            $crate::endpoint!(@query $oloc query [$($owire)? stringify!($of)] value);
                            let _ = value;
                        }
                    )*)?
                    let _ = query;
                }
            }

            #[allow(deprecated)]
            impl ::mgc::__private::serde::Serialize for $name {
                #[allow(unreachable_code)]
                fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
                where
                    S: ::mgc::__private::serde::Serializer,
                {
                    use ::mgc::__private::serde::ser::SerializeMap as _;
                    $($(
                        $crate::endpoint!(@whole $rloc serializer &self.$rf);
                    )*)?
                    #[allow(unused_mut)]
                    let mut map = serializer.serialize_map(::core::option::Option::None)?;
                    $($(
                        $crate::endpoint!(@body $rloc map [$($rwire)? stringify!($rf)] &self.$rf);
                    )*)?
                    $($(
                        if let ::core::option::Option::Some(value) = &self.$of {
                            $crate::endpoint!(@body $oloc map [$($owire)? stringify!($of)] value);
                            let _ = value;
                        }
                    )*)?
                    map.end()
                }
            }
        }
    };

    // --- a row the grammar above does not take: say which row, and why ---
    (@expand [$read:ident] [$($meta:tt)*] [$($vis:tt)*] $name:ident { $($body:tt)* }) => {
        $crate::endpoint!(@keys $name $($body)*);
    };
    (@keys $n:ident method : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident path : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident response : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident status : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident idempotent : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident sensitive : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident headers : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident paging : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident required : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident optional : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident deliberate : $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@keys $n:ident $key:ident $($rest:tt)*) => {
        compile_error!(concat!(
            "`", stringify!($n), "`: `", stringify!($key), "` is not a key of a row; the keys are ",
            "method, path, response, status, idempotent, sensitive, headers, paging, required, optional, deliberate"
        ));
    };
    (@keys $n:ident) => {
        compile_error!(concat!(
            "`", stringify!($n), "`: the row does not match the grammar of `endpoint!`: the keys must come in the order ",
            "method, path, response, status, idempotent, sensitive, headers, paging, required, optional, deliberate ",
            "(method, path and response are required), each followed by a comma, and each field must read ",
            "`name: Type => location [\"wire\"] [, default = expr] [, check = path] [, setter = exact|list];`"
        ));
    };
    (@keys $n:ident $($rest:tt)*) => { $crate::endpoint!(@keys $n); };
    (@skip $n:ident , $($rest:tt)*) => { $crate::endpoint!(@keys $n $($rest)*); };
    (@skip $n:ident $t:tt $($rest:tt)*) => { $crate::endpoint!(@skip $n $($rest)*); };
    (@skip $n:ident) => { $crate::endpoint!(@keys $n); };

    // --- per-row and per-field checks, named with the row ---
    (@method $n:ident GET) => {};
    (@method $n:ident POST) => {};
    (@method $n:ident PUT) => {};
    (@method $n:ident PATCH) => {};
    (@method $n:ident DELETE) => {};
    (@method $n:ident $other:ident) => {
        compile_error!(concat!(
            "`", stringify!($n), "`: `method: ", stringify!($other),
            "` is not a method of the table (`GET`, `POST`, `PUT`, `PATCH` or `DELETE`)"
        ));
    };
    (@loc $n:ident $f:ident path) => {};
    (@loc $n:ident $f:ident query) => {};
    (@loc $n:ident $f:ident body) => {};
    (@loc $n:ident $f:ident json) => {};
    (@loc $n:ident $f:ident $other:ident) => {
        compile_error!(concat!(
            "`", stringify!($n), "`: field `", stringify!($f), "` goes `=> ", stringify!($other),
            "`, which is not a wire location (`path`, `query`, `body` or `json`)"
        ));
    };
    (@optional_loc $n:ident $f:ident json) => {
        compile_error!(concat!(
            "`", stringify!($n), "`: field `", stringify!($f),
            "` is `=> json`, the whole body: declare it under `required`"
        ));
    };
    (@optional_loc $n:ident $f:ident path) => {
        compile_error!(concat!(
            "`", stringify!($n), "`: field `", stringify!($f),
            "` is `=> path`, which every request needs: declare it under `required`"
        ));
    };
    (@optional_loc $n:ident $f:ident $other:ident) => { $crate::endpoint!(@loc $n $f $other); };
    (@path_name path $f:ident) => { stringify!($f) };
    (@path_name $other:ident $f:ident) => { "" };
    (@placeholder $n:ident $path:literal path $f:ident) => {
        assert!(
            $crate::has_placeholder($path, stringify!($f)),
            "{}", concat!("`", stringify!($n), "`: field `", stringify!($f), "` is `=> path` but the path \"", $path, "\" has no `{", stringify!($f), "}`")
        );
    };
    (@placeholder $n:ident $path:literal $other:ident $f:ident) => {};

    (@setter $n:ident [$(#[$doc:meta])*] $f:ident $t:ty []) => {
        $(#[$doc])*
        pub fn $f(mut self, value: impl ::core::convert::Into<$t>) -> Self {
            self.$f = ::core::option::Option::Some(value.into());
            self
        }
    };
    (@setter $n:ident [$(#[$doc:meta])*] $f:ident $t:ty [exact]) => {
        $(#[$doc])*
        pub fn $f(mut self, value: $t) -> Self {
            self.$f = ::core::option::Option::Some(value);
            self
        }
    };
    (@setter $n:ident [$(#[$doc:meta])*] $f:ident $t:ty [list]) => {
        $(#[$doc])*
        pub fn $f(
            mut self,
            value: impl ::core::iter::IntoIterator<
                Item = impl ::core::convert::Into<<$t as ::mgc::endpoint::ListField>::Item>,
            >,
        ) -> Self {
            self.$f = ::core::option::Option::Some(<$t as ::mgc::endpoint::ListField>::from_items(
                value.into_iter().map(::core::convert::Into::into),
            ));
            self
        }
    };
    (@setter $n:ident [$(#[$doc:meta])*] $f:ident $t:ty [$other:ident]) => {
        compile_error!(concat!(
            "`", stringify!($n), "`: field `", stringify!($f), "` has `setter = ", stringify!($other),
            "`; the setters are `exact` (takes exactly the type) and `list` (takes any iterator)"
        ));
    };

    // --- how a success answer is read: the default of the trait (JSON), or, for
    // a row written `response: ()`, nothing to read ---
    (@decode json) => {};
    (@decode no_content) => {
        /// The row says `response: ()`: the answer has no body to read, and
        /// whatever body comes with the success status is ignored.
        fn decode_response(_body: &[u8]) -> ::core::result::Result<(), ::mgc::Error> {
            ::core::result::Result::Ok(())
        }
    };

    // --- per-field dispatch on the wire location (no recursion across rows) ---
    (@is json json) => { true };
    (@is body body) => { true };
    (@is $want:ident $other:ident) => { false };

    (@safe GET) => { true };
    (@safe DELETE) => { true };
    (@safe $other:ident) => { false };

    (@status) => { 200 };
    (@status $status:literal) => { $status };
    (@page_size) => { ::core::option::Option::None };
    (@page_size $size:literal) => { ::core::option::Option::Some($size) };
    (@sort_wire $sortdef:literal) => { "_sort" };
    (@has) => { false };
    (@has $value:expr) => { true };
    (@wire [$wire:literal stringify!($_f:ident)]) => { $wire };
    (@wire [stringify!($f:ident)]) => { stringify!($f) };

    (@none $size:literal) => { ::core::option::Option::None };
    (@default) => { ::core::option::Option::None };
    (@default $value:expr) => { ::core::option::Option::Some(::core::convert::Into::into($value)) };

    (@is_body body) => { true };
    (@is_body json) => { true };
    (@is_body $other:ident) => { false };

    (@check_path path $field:ident $value:expr) => {
        ::mgc::endpoint::check_path_segment(stringify!($field), $value)?;
    };
    (@check_path $other:ident $field:ident $value:expr) => {};

    (@path_arg path $field:ident $this:ident $name:ident $out:ident) => {
        if $name == stringify!($field) {
            ::mgc::endpoint::push_path_segment($out, &$this.$field);
        }
    };
    (@path_arg $other:ident $field:ident $this:ident $name:ident $out:ident) => {};

    (@query query $q:ident [$wire:literal stringify!($_f:ident)] $value:expr) => {
        $q.push($wire, $value);
    };
    (@query query $q:ident [stringify!($f:ident)] $value:expr) => {
        $q.push(stringify!($f), $value);
    };
    (@query $other:ident $q:ident [$($_w:tt)*] $value:expr) => {};

    (@body body $m:ident [$wire:literal stringify!($_f:ident)] $value:expr) => {
        $m.serialize_entry($wire, $value)?;
    };
    (@body body $m:ident [stringify!($f:ident)] $value:expr) => {
        $m.serialize_entry(stringify!($f), $value)?;
    };
    (@whole json $s:ident $value:expr) => {
        return ::mgc::__private::serde::Serialize::serialize($value, $s);
    };
    (@whole $other:ident $s:ident $value:expr) => {};

    (@body $other:ident $m:ident [$($_w:tt)*] $value:expr) => {};
}
