//! Small code generators for the compute models: string enums that keep unknown
//! values, and response models under the decoding policy. (Paging is declared in
//! the rows of the endpoint table: see `paging:` in [`endpoint!`](crate::endpoint!).)

/// Declares a string enum of the API: known values as unit variants plus
/// `Other(String)`, which keeps any value a newer server sends.
///
/// Generates `as_str`, `is_known`, `KNOWN_VALUES`, `Display`, `FromStr`
/// (infallible), `From<&str>`, `From<String>`, `Serialize` and `Deserialize`
/// (which never fails on a string).
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
            /// A value this version of the SDK does not know, kept verbatim.
            ///
            /// Build values with `parse`/`From` rather than by hand, so a known value
            /// always becomes its own variant.
            Other(::std::string::String),
        }

        impl $name {
            /// Every value this version of the SDK knows, as the API spells them.
            pub const KNOWN_VALUES: &'static [&'static str] = &[$($wire),+];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(other) => other,
                }
            }

            /// Whether this is one of the values this version of the SDK knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }

            fn known(value: &str) -> ::core::option::Option<Self> {
                match value {
                    $($wire => ::core::option::Option::Some($name::$variant),)+
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(::core::convert::From::from(value))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::known(value).unwrap_or_else(|| $name::Other(value.to_owned()))
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match $name::known(&value) {
                    ::core::option::Option::Some(known) => known,
                    ::core::option::Option::None => $name::Other(value),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl $crate::compute::lenient::Lenient for $name {
            fn lenient<'de, D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<::core::option::Option<Self>, D::Error> {
                ::core::result::Result::Ok(
                    $crate::compute::lenient::text(deserializer)?.map(|s| $name::from(&*s)),
                )
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::core::result::Result<$name, E> {
                        ::core::result::Result::Ok($name::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::core::result::Result<$name, E> {
                        ::core::result::Result::Ok($name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

/// Declares a response model under the decoding policy: the fields in the first
/// braces are its identity and decode strictly; every field after `lenient` is an
/// `Option` that decodes through [`lenient::opt`](crate::compute::lenient::opt)
/// (absent, `null` or unreadable: `None`) and is left out when serialized as
/// `None`. A field added later cannot forget the policy.
///
/// The macro writes `Deserialize` itself (don't derive it): the model is read
/// only from a JSON object, never from an array, which serde's derive would
/// otherwise accept field by field. End the entry with `never_serialized` for a
/// model without `Serialize` (one that holds a secret).
macro_rules! model {
    (@deserialize $name:ident
        { $( $(#[$imeta:meta])* pub $id:ident : $idt:ty ),* }
        { $( $(#[$fmeta:meta])* pub $f:ident : Option<$t:ty> ),* }
    ) => {
        const _: () = {
            /// The same members, every one lenient (identity too, so that reading
            /// them never stops half-way); identity is checked once all are read.
            #[derive(::serde::Deserialize)]
            struct Members {
                $(
                    $(#[$imeta])*
                    #[serde(default, deserialize_with = "crate::compute::lenient::opt")]
                    $id: ::core::option::Option<$idt>,
                )*
                $(
                    $(#[$fmeta])*
                    #[serde(default, deserialize_with = "crate::compute::lenient::opt")]
                    $f: ::core::option::Option<$t>,
                )*
            }

            fn identify(members: Members) -> ::core::result::Result<$name, &'static str> {
                $(
                    let ::core::option::Option::Some($id) = members.$id else {
                        return ::core::result::Result::Err(stringify!($id));
                    };
                )*
                ::core::result::Result::Ok($name {
                    $( $id, )*
                    $( $f: members.$f, )*
                })
            }

            impl<'de> ::serde::Deserialize<'de> for $name {
                fn deserialize<D: ::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::core::result::Result<Self, D::Error> {
                    crate::compute::lenient::model(deserializer, stringify!($name), identify)
                }
            }

            impl crate::compute::lenient::Lenient for $name {
                fn lenient<'de, D: ::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::core::result::Result<::core::option::Option<Self>, D::Error> {
                    crate::compute::lenient::nested_model(deserializer, identify)
                }
            }
        };
    };

    // A model that is also written back (`Serialize` in its derives).
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$imeta:meta])* pub $id:ident : $idt:ty ),* $(,)?
        } lenient {
            $( $(#[$fmeta:meta])* pub $f:ident : Option<$t:ty> ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$imeta])* pub $id: $idt, )*
            $(
                $(#[$fmeta])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $f: ::core::option::Option<$t>,
            )*
        }
        model!(@deserialize $name
            { $( $(#[$imeta])* pub $id: $idt ),* }
            { $( $(#[$fmeta])* pub $f: Option<$t> ),* }
        );
    };

    // A model that must never be written out (it holds a secret): no `Serialize`.
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$imeta:meta])* pub $id:ident : $idt:ty ),* $(,)?
        } lenient {
            $( $(#[$fmeta:meta])* pub $f:ident : Option<$t:ty> ),* $(,)?
        } never_serialized
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$imeta])* pub $id: $idt, )*
            $( $(#[$fmeta])* pub $f: ::core::option::Option<$t>, )*
        }
        model!(@deserialize $name
            { $( $(#[$imeta])* pub $id: $idt ),* }
            { $( $(#[$fmeta])* pub $f: Option<$t> ),* }
        );
    };
}

pub(crate) use {model, string_enum};
