//! Input checks run before a request is built (`check = ...` in the table).
//!
//! Each has the shape `fn(field, &value) -> Result<(), Error>` and fails with
//! [`Error::InvalidInput`] naming the field. They mirror the constraints of the
//! API's own schema, so a call the API would reject with `422` fails locally,
//! before anything is sent.

use std::borrow::Cow;

use crate::error::Error;

use super::models::{CreateParametersNetwork, Expand, IdOrName, NicRequest};

/// The largest value the API accepts for an offset or an unbounded page size.
const I32_MAX: u32 = i32::MAX as u32;

fn fail(field: &'static str, reason: impl Into<Cow<'static, str>>) -> Result<(), Error> {
    Err(Error::InvalidInput {
        field: Cow::Borrowed(field),
        reason: reason.into(),
    })
}

/// Page size of the lists capped at 1000: instances, snapshots, machine and instance types.
pub fn limit(field: &'static str, value: &u32) -> Result<(), Error> {
    match value {
        1..=1000 => Ok(()),
        _ => fail(field, format!("must be between 1 and 1000, got {value}")),
    }
}

/// Page size of the image lists, whose schema allows any 32-bit value; 0 is still
/// rejected, as no page could ever be read with it.
pub fn wide_limit(field: &'static str, value: &u32) -> Result<(), Error> {
    match value {
        1..=I32_MAX => Ok(()),
        _ => fail(
            field,
            format!("must be between 1 and {I32_MAX}, got {value}"),
        ),
    }
}

/// Offsets: at most the largest signed 32-bit value, as the API's schema says.
pub fn offset(field: &'static str, value: &u32) -> Result<(), Error> {
    if *value <= I32_MAX {
        Ok(())
    } else {
        fail(field, format!("must be at most {I32_MAX}, got {value}"))
    }
}

/// Sort orders: one or more `field:asc` / `field:desc`, comma-separated, where a
/// field is made of ASCII letters, digits, `_` and `-`.
pub fn sort(field: &'static str, value: &str) -> Result<(), Error> {
    const SHAPE: &str = "must look like `field:asc` or `field:desc`, comma-separated";
    if value.is_empty() {
        return fail(
            field,
            "must not be empty (leave it unset for the default order)",
        );
    }
    for part in value.split(',') {
        let Some((name, direction)) = part.split_once(':') else {
            return fail(field, format!("{SHAPE}; `{part}` has no `:asc` or `:desc`"));
        };
        let name_ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !name_ok {
            return fail(field, format!("{SHAPE}; `{name}` is not a field name"));
        }
        if direction != "asc" && direction != "desc" {
            return fail(
                field,
                format!("{SHAPE}; `{direction}` is not `asc` or `desc`"),
            );
        }
    }
    Ok(())
}

/// Expand lists: at least one value (leave the field unset for the API's default).
pub fn expand(field: &'static str, value: &[Expand]) -> Result<(), Error> {
    if value.is_empty() {
        return fail(
            field,
            "must name at least one resource (leave it unset instead)",
        );
    }
    if value.iter().any(|e| e.as_str().is_empty()) {
        return fail(field, "must not hold an empty value");
    }
    Ok(())
}

/// [`expand`], for snapshot reads: the spec lets them expand `image` and
/// `machine-type` only, so the instance-only values are refused before sending
/// (a value this SDK does not know is passed on, for a newer API).
pub fn snapshot_expand(field: &'static str, value: &[Expand]) -> Result<(), Error> {
    expand(field, value)?;
    if value
        .iter()
        .any(|e| matches!(e, Expand::Network | Expand::Labels))
    {
        return fail(
            field,
            "a snapshot can expand only `image` and `machine-type`",
        );
    }
    Ok(())
}

/// Checks that `value` has between 1 and `max` characters.
fn length(field: &'static str, value: &str, max: usize) -> Result<(), Error> {
    if value.is_empty() {
        return fail(field, "must not be empty");
    }
    // A string of at most `max` bytes has at most `max` characters: counting
    // them (a pass over a user-data script) is only needed for longer ones.
    if value.len() <= max {
        return Ok(());
    }
    let count = value.chars().count();
    if count > max {
        return fail(
            field,
            format!("must be at most {max} characters, got {count}"),
        );
    }
    Ok(())
}

/// Resource names (instances, snapshots) and availability zones: 1 to 255 characters.
pub fn name(field: &'static str, value: &str) -> Result<(), Error> {
    length(field, value, 255)
}

/// Values that must merely not be empty (custom image names and URLs).
pub fn non_empty(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        fail(field, "must not be empty")
    } else {
        Ok(())
    }
}

/// Cloud-init user data: 1 to 65000 characters.
pub fn user_data(field: &'static str, value: &str) -> Result<(), Error> {
    length(field, value, 65_000)
}

/// How many init-log lines to read: 1 to 5000.
pub fn max_lines(field: &'static str, value: &u32) -> Result<(), Error> {
    match value {
        1..=5000 => Ok(()),
        _ => fail(field, format!("must be between 1 and 5000, got {value}")),
    }
}

/// A reference by id or by name: exactly one of them, 1 to 255 characters.
pub fn id_or_name(field: &'static str, value: &IdOrName) -> Result<(), Error> {
    match (&value.id, &value.name) {
        (Some(id), None) => length(field, id, 255),
        (None, Some(name)) => length(field, name, 255),
        (None, None) => fail(field, "must give an id or a name"),
        (Some(_), Some(_)) => fail(field, "must give an id or a name, not both"),
    }
}

/// Each reference of a list, as [`id_or_name`].
pub fn id_or_name_list(field: &'static str, value: &[IdOrName]) -> Result<(), Error> {
    value.iter().try_for_each(|item| id_or_name(field, item))
}

/// The network settings of a new instance: the VPC reference and any interface id.
pub fn network(field: &'static str, value: &CreateParametersNetwork) -> Result<(), Error> {
    if let Some(vpc) = &value.vpc {
        id_or_name(field, vpc)?;
    }
    if let Some(interface) = &value.interface {
        let ids = interface.id.iter();
        let groups = interface.security_groups.iter().flatten().map(|g| &g.id);
        let subnets = interface.subnets.iter().flatten().map(|s| &s.id);
        for id in ids.chain(groups).chain(subnets) {
            length(field, id, 255)?;
        }
    }
    Ok(())
}

/// The body of a network-interface attach or detach: both references valid, and
/// the interface given by id — the API's schema takes no name there (the Go SDK's
/// type would allow one, which the API answers with a 422).
pub fn nic_request(field: &'static str, value: &NicRequest) -> Result<(), Error> {
    id_or_name(field, &value.instance)?;
    id_or_name(field, &value.network.interface)?;
    if value.network.interface.id.is_none() {
        return Err(Error::InvalidInput {
            field: "network.interface".into(),
            reason: "must be given by id: the API does not take interfaces by name".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts() {
        for ok in [
            "created_at:asc",
            "name:desc,created_at:asc",
            "end-life_at2:desc",
        ] {
            assert!(sort("sort", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "name",
            "name:up",
            ":asc",
            "name:asc,",
            "na me:asc",
            "a:asc:desc",
        ] {
            assert!(sort("sort", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lengths_count_characters() {
        assert!(name("name", &"ç".repeat(255)).is_ok());
        assert!(name("name", &"ç".repeat(256)).is_err());
        assert!(user_data("user_data", &"x".repeat(65_000)).is_ok());
        assert!(user_data("user_data", &"x".repeat(65_001)).is_err());
        assert!(user_data("user_data", "").is_err());
    }

    #[test]
    fn references() {
        assert!(id_or_name("image", &IdOrName::name("ubuntu")).is_ok());
        assert!(id_or_name("image", &IdOrName::default()).is_err());
        assert!(id_or_name("image", &IdOrName::id("")).is_err());
        let both = IdOrName {
            id: Some("a".into()),
            name: Some("b".into()),
        };
        assert!(id_or_name("image", &both).is_err());
    }
}
