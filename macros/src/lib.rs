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

/// Declares API endpoints: see the [crate documentation](crate) for the grammar.
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
/// `idempotent`, `sensitive`, `headers: { "name": "value", .. }`,
/// `required: { .. }`, `optional: { .. }`, `deliberate: { .. }`.
///
/// Every field says where it goes on the wire:
///
/// * `=> path` fills the `{field}` placeholder of the path template with the value,
///   percent-encoded as exactly one path segment;
/// * `=> query` or `=> query "wire-name"` adds a query pair (lists are comma-joined);
/// * `=> body` or `=> body "wire_name"` becomes a member of the JSON body object;
/// * `=> json` makes the (required) field the whole JSON body, for APIs whose body is
///   a named request type; don't mix it with `body` fields.
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
/// Fields under `required` become arguments of `new(..)`; fields under `optional`
/// become chainable setters. `headers` adds static headers; `idempotent: true` marks
/// the call as safe to repeat after a server error (see the retry policy);
/// `sensitive: true` keeps the response body out of decode errors (it may hold a
/// secret).
///
/// The expansion is flat: one struct, one inherent impl, one `Endpoint` impl and one
/// `Serialize` impl per entry, with no recursion across entries, so a table of
/// hundreds of rows compiles in linear time.
#[macro_export]
macro_rules! endpoint {
    (
        $(
            $(#[$meta:meta])*
            $vis:vis struct $name:ident {
                method: $method:ident,
                path: $path:literal,
                response: $resp:ty,
                $(status: $status:literal,)?
                $(idempotent: $idem:literal,)?
                $(sensitive: $sens:literal,)?
                $(headers: { $($hk:literal : $hv:literal),* $(,)? },)?
                $(required: {
                    $(
                        $(#[$rdoc:meta])*
                        $rf:ident : $rt:ty => $rloc:ident $($rwire:literal)? $(, check = $rcheck:path)?;
                    )*
                },)?
                $(optional: {
                    $(
                        $(#[$odoc:meta])*
                        $of:ident : $ot:ty => $oloc:ident $($owire:literal)? $(, default = $odef:expr)? $(, check = $ocheck:path)?;
                    )*
                },)?
                $(deliberate: { $($dk:literal => $dr:literal),* $(,)? },)?
            }
        )*
    ) => {
        $(
        $crate::__pastey::paste! {
            $(#[$meta])*
            #[doc = ""]
            #[doc = concat!("`", stringify!($method), " ", $path, "`")]
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            #[must_use = "an endpoint does nothing until it is sent with `Client::send`"]
            $vis struct $name {
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
                        $($(
                            (stringify!($rloc), $crate::endpoint!(@wire [$($rwire)? stringify!($rf)]), true),
                        )*)?
                        $($(
                            (stringify!($oloc), $crate::endpoint!(@wire [$($owire)? stringify!($of)]), $crate::endpoint!(@has $($odef)?)),
                        )*)?
                    ],
                    deliberate: &[$($(($dk, $dr)),*)?],
                };

                #[doc = concat!("Creates a `", stringify!($name), "` from its required fields; optional ones start unset.")]
                #[allow(clippy::new_without_default)]
                pub fn new($($($rf: impl ::core::convert::Into<$rt>),*)?) -> Self {
                    Self {
                        $($($rf: $rf.into(),)*)?
                        $($($of: $crate::endpoint!(@default $($odef)?),)*)?
                    }
                }

                $($(
                    $crate::endpoint!(@optional_json $oloc);
                )*)?
                $($(
                    $(#[$odoc])*
                    pub fn $of(mut self, value: impl ::core::convert::Into<$ot>) -> Self {
                        self.$of = ::core::option::Option::Some(value.into());
                        self
                    }
                )*)?
            }

            // A body is one `json` field or a set of `body` fields: never both.
            const _: () = {
                let json = false $($(|| $crate::endpoint!(@is json $rloc))*)?;
                let fields = false
                    $($(|| $crate::endpoint!(@is body $rloc))*)?
                    $($(|| $crate::endpoint!(@is body $oloc))*)?;
                assert!(
                    !(json && fields),
                    concat!("`", stringify!($name), "`: the body is one `json` field or `body` fields, not both")
                );
            };

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

                fn validate(&self) -> ::core::result::Result<(), ::mgc::Error> {
                    $($(
                        $crate::endpoint!(@check_path $rloc $rf &self.$rf);
                        $( $rcheck(stringify!($rf), &self.$rf)?; )?
                    )*)?
                    $($(
                        if let ::core::option::Option::Some(value) = &self.$of {
                            $crate::endpoint!(@check_path $oloc $of value);
                            $( $ocheck(stringify!($of), value)?; )?
                            let _ = value;
                        }
                    )*)?
                    ::core::result::Result::Ok(())
                }

                fn write_path(&self, out: &mut ::mgc::__private::String) {
                    $($( $crate::endpoint!(@bind $rloc $rf self); )*)?
                    let _ = ::core::fmt::Write::write_fmt(out, format_args!($path));
                }

                fn write_query(&self, query: &mut ::mgc::endpoint::Query) {
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
        )*
    };

    // --- per-field dispatch on the wire location (no recursion across rows) ---
    (@is json json) => { true };
    (@is body body) => { true };
    (@is $want:ident $other:ident) => { false };

    (@status) => { 200 };
    (@status $status:literal) => { $status };
    (@has) => { false };
    (@has $value:expr) => { true };
    (@wire [$wire:literal stringify!($_f:ident)]) => { $wire };
    (@wire [stringify!($f:ident)]) => { stringify!($f) };

    (@default) => { ::core::option::Option::None };
    (@default $value:expr) => { ::core::option::Option::Some(::core::convert::Into::into($value)) };

    (@optional_json json) => {
        compile_error!("a `json` field is the whole body: declare it under `required`");
    };
    (@optional_json $other:ident) => {};
    (@is_body body) => { true };
    (@is_body json) => { true };
    (@is_body $other:ident) => { false };

    (@check_path path $field:ident $value:expr) => {
        ::mgc::endpoint::check_path_segment(stringify!($field), $value)?;
    };
    (@check_path $other:ident $field:ident $value:expr) => {};

    (@bind path $field:ident $this:ident) => {
        let $field = ::mgc::endpoint::PathSegment(&$this.$field);
    };
    (@bind $other:ident $field:ident $this:ident) => {};

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
