//! A compact schema language for response shapes, written for these tests
//! from the compute API's spec, and a checker.
//!
//! ```text
//! type   := alt ('|' alt)*
//! alt    := string | integer | number | boolean | null | any | datetime | uuid
//!         | 'literal' | Name | { fields } | { ... } | [ type ]
//! fields := key['?']: type, ...   (closed: unknown keys are errors; end with `...` to allow them)
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

#[derive(Debug, Clone)]
pub enum Ty {
    Str,
    Int,
    Num,
    Bool,
    Null,
    Any,
    DateTime,
    Uuid,
    Lit(String),
    Ref(String),
    Obj {
        fields: Vec<(String, bool, Ty)>,
        open: bool,
    },
    Arr(Box<Ty>),
    Alt(Vec<Ty>),
}

/// Named types, one per line: `Name = type`.
const NAMED: &str = r"
Error = {slug: string, message: string, details: {...}}
ShortError = {slug: string, message: string}
Page = {limit: integer, offset: integer, count: integer, total: integer}
Meta = {page: Page}
Created = {id: uuid}
Az = [string] | null
MachineType = {id: uuid, name: string, vcpus: integer, ram: integer, disk: integer, gpu?: integer, status: string, sku?: string | null, availability_zones?: Az}
InstanceType = {id: uuid, name: string, vcpus: integer, ram: integer, disk: integer, gpu?: integer, status: string, availability_zones?: [string]}
ImageStatus = 'active' | 'deprecated' | 'deleted' | 'deleting' | 'deleting_error' | 'pending' | 'creating' | 'importing' | 'error'
Image = {id: uuid, name: string, status: ImageStatus, version?: string | null, platform?: string | null, release_at?: datetime | null, end_standard_support_at?: datetime | null, end_life_at?: datetime | null, minimum_requirements: {vcpu: integer, ram: integer, disk: integer}, labels?: [string] | null, availability_zones?: Az}
Requirements = {disk: integer, ram: integer, vcpu: integer}
CustomImage = {id: uuid, name: string, status: ImageStatus, description?: string | null, version?: string | null, requirements?: Requirements | null, platform: 'linux' | 'windows', metadata?: {...} | null, license: 'unlicensed' | 'licensed'}
IdRef = {id: string}
MachineTypeX = {id: uuid, name: string, vcpus: integer, ram: integer, disk: integer}
ImageX = {id: uuid, name: string, platform?: string | null}
PortX = {id: string, name: string, security_groups?: [string], primary?: boolean, associated_public_ipv4?: string | null, ip_addresses?: {private_ipv4?: string | null, public_ipv6?: string | null} | null}
Network = {interfaces: [IdRef]} | {vpc?: {id: string, name: string} | null, interfaces?: [PortX] | null}
InstanceState = 'new' | 'error' | 'running' | 'stopped' | 'suspended' | 'deleted'
InstanceStatus = 'provisioning' | 'creating' | 'creating_error' | 'creating_error_gpu' | 'creating_network_error' | 'creating_error_quota' | 'creating_error_quota_ram' | 'creating_error_quota_vcpu' | 'creating_error_quota_disk' | 'creating_error_quota_instance' | 'creating_error_quota_floating_ip' | 'creating_error_quota_network' | 'completed' | 'retyping_pending' | 'retyping' | 'retyping_confirmed' | 'retyping_error' | 'retyping_error_quota' | 'retyping_error_quota_ram' | 'retyping_error_quota_vcpu' | 'stopping_pending' | 'stopping' | 'stopping_error' | 'suspending_pending' | 'suspending' | 'suspending_error' | 'rebooting_pending' | 'rebooting' | 'rebooting_error' | 'starting_pending' | 'starting' | 'starting_error' | 'deleting_pending' | 'deleting' | 'deleting_error' | 'deleting_network_error' | 'deleted' | 'attach_nic_pending' | 'attaching_nic' | 'attaching_nic_error' | 'detach_nic_pending' | 'detaching_nic' | 'detaching_nic_error'
Instance = {id: uuid, name?: string | null, machine_type: IdRef | MachineTypeX | null, image: IdRef | ImageX | null, status: InstanceStatus, state: InstanceState, user_data?: string | null, created_at: datetime, updated_at?: datetime | null, ssh_key_name?: string | null, availability_zone?: string | null, network?: Network | null, labels?: [string] | null, error?: ShortError | null}
Snapshot = {id: uuid, name?: string | null, status: string, state: string, created_at: datetime, updated_at?: datetime | null, size: integer, instance: {id: string, image: IdRef | ImageX | null, machine_type: IdRef | MachineTypeX | null} | null}
";

/// `(method, path template, success status, success body type)`; `empty`
/// means no body. Static paths come before templated ones.
pub const OPERATIONS: &[(&str, &str, u16, &str)] = &[
    ("GET", "/v1/images", 200, "{images: [Image], meta: Meta}"),
    (
        "GET",
        "/v1/images/custom",
        200,
        "{images?: [CustomImage], meta: Meta}",
    ),
    ("POST", "/v1/images/custom", 202, "Created"),
    ("GET", "/v1/images/custom/{id}", 200, "CustomImage"),
    ("PATCH", "/v1/images/custom/{id}", 204, "empty"),
    ("DELETE", "/v1/images/custom/{id}", 204, "empty"),
    (
        "GET",
        "/v1/instance-types",
        200,
        "{instance_types: [InstanceType], meta: Meta}",
    ),
    (
        "GET",
        "/v1/machine-types",
        200,
        "{machine_types: [MachineType], meta: Meta}",
    ),
    (
        "GET",
        "/v1/instances",
        200,
        "{instances: [Instance], meta: Meta}",
    ),
    ("POST", "/v1/instances", 201, "Created"),
    (
        "POST",
        "/v1/instances/network-interface/attach",
        204,
        "empty",
    ),
    (
        "POST",
        "/v1/instances/network-interface/detach",
        204,
        "empty",
    ),
    (
        "GET",
        "/v1/instances/config/{id}/first-windows-password",
        200,
        "{instance: {password: string, created_at: datetime, user?: string, id: string}}",
    ),
    ("GET", "/v1/instances/{id}", 200, "Instance"),
    ("DELETE", "/v1/instances/{id}", 204, "empty"),
    (
        "GET",
        "/v1/instances/{id}/init-logs",
        200,
        "{logs: [string]}",
    ),
    ("POST", "/v1/instances/{id}/reboot", 204, "empty"),
    ("PATCH", "/v1/instances/{id}/rename", 204, "empty"),
    ("POST", "/v1/instances/{id}/retype", 204, "empty"),
    ("POST", "/v1/instances/{id}/start", 204, "empty"),
    ("POST", "/v1/instances/{id}/stop", 204, "empty"),
    ("POST", "/v1/instances/{id}/suspend", 204, "empty"),
    (
        "GET",
        "/v1/snapshots",
        200,
        "{snapshots: [Snapshot], meta: Meta}",
    ),
    ("POST", "/v1/snapshots", 202, "Created"),
    ("GET", "/v1/snapshots/{id}", 200, "Snapshot"),
    ("POST", "/v1/snapshots/{id}", 202, "Created"),
    ("DELETE", "/v1/snapshots/{id}", 204, "empty"),
    ("POST", "/v1/snapshots/{id}/copy", 204, "empty"),
    ("PATCH", "/v1/snapshots/{id}/rename", 204, "empty"),
];

/// The operation a request path (after `/compute`, query stripped) belongs to.
pub fn operation(
    method: &str,
    path: &str,
) -> Option<&'static (&'static str, &'static str, u16, &'static str)> {
    let segs: Vec<&str> = path.split('/').collect();
    OPERATIONS.iter().find(|(m, template, _, _)| {
        let tsegs: Vec<&str> = template.split('/').collect();
        *m == method
            && tsegs.len() == segs.len()
            && tsegs
                .iter()
                .zip(&segs)
                .all(|(t, s)| *t == "{id}" && !s.is_empty() || t == s)
    })
}

fn named() -> &'static HashMap<String, Ty> {
    static NAMED_TYPES: OnceLock<HashMap<String, Ty>> = OnceLock::new();
    NAMED_TYPES.get_or_init(|| {
        NAMED
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (name, ty) = l.split_once('=').expect("Name = type");
                (name.trim().to_string(), parse(ty))
            })
            .collect()
    })
}

/// Parse a type expression; panics on a malformed one (they are test code).
pub fn parse(src: &str) -> Ty {
    let mut p = Parser {
        s: src.as_bytes(),
        i: 0,
    };
    let ty = p.ty();
    p.ws();
    assert!(
        p.i == p.s.len(),
        "trailing input in schema at {}: {src}",
        p.i
    );
    ty
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn word(&mut self) -> String {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || b"_-".contains(&self.s[self.i]))
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }
    fn ty(&mut self) -> Ty {
        let mut alts = vec![self.alt()];
        while self.eat(b'|') {
            alts.push(self.alt());
        }
        if alts.len() == 1 {
            alts.pop().unwrap()
        } else {
            Ty::Alt(alts)
        }
    }
    fn alt(&mut self) -> Ty {
        if self.eat(b'[') {
            let inner = self.ty();
            assert!(self.eat(b']'), "expected ]");
            return Ty::Arr(Box::new(inner));
        }
        if self.eat(b'\'') {
            let start = self.i;
            while self.s[self.i] != b'\'' {
                self.i += 1;
            }
            let lit = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
            self.i += 1;
            return Ty::Lit(lit);
        }
        if self.eat(b'{') {
            let mut fields = Vec::new();
            let mut open = false;
            loop {
                if self.eat(b'}') {
                    break;
                }
                if self.eat(b'.') {
                    assert!(self.eat(b'.') && self.eat(b'.'), "expected ...");
                    open = true;
                    continue;
                }
                let key = self.word();
                let required = !self.eat(b'?');
                assert!(self.eat(b':'), "expected : after {key}");
                fields.push((key, required, self.ty()));
                self.eat(b',');
            }
            return Ty::Obj { fields, open };
        }
        match self.word().as_str() {
            "string" => Ty::Str,
            "integer" => Ty::Int,
            "number" => Ty::Num,
            "boolean" => Ty::Bool,
            "null" => Ty::Null,
            "any" => Ty::Any,
            "datetime" => Ty::DateTime,
            "uuid" => Ty::Uuid,
            "" => panic!("empty type at {}", self.i),
            name => Ty::Ref(name.to_string()),
        }
    }
}

fn is_datetime(s: &str) -> bool {
    // 2026-11-27T16:02:22Z
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit() && !c.is_ascii_uppercase(),
        })
}

/// Check `v` against `ty`; the error names the JSON path.
pub fn check(ty: &Ty, v: &Value, path: &str) -> Result<(), String> {
    // Cheap yes/no first: alternatives fail a lot, and messages cost.
    if check_quiet(ty, v) {
        return Ok(());
    }
    check_loud(ty, v, path)
}

fn check_quiet(ty: &Ty, v: &Value) -> bool {
    match ty {
        Ty::Obj { fields, open } => v.as_object().is_some_and(|map| {
            fields
                .iter()
                .all(|(key, required, fty)| match map.get(key) {
                    Some(fv) => check_quiet(fty, fv),
                    None => !required,
                })
                && (*open || map.keys().all(|k| fields.iter().any(|(f, _, _)| f == k)))
        }),
        Ty::Arr(inner) => v
            .as_array()
            .is_some_and(|items| items.iter().all(|i| check_quiet(inner, i))),
        Ty::Alt(alts) => alts.iter().any(|a| check_quiet(a, v)),
        Ty::Ref(name) => named().get(name).is_some_and(|t| check_quiet(t, v)),
        _ => leaf_ok(ty, v),
    }
}

fn leaf_ok(ty: &Ty, v: &Value) -> bool {
    match ty {
        Ty::Any => true,
        Ty::Str => v.is_string(),
        Ty::Int => v.is_i64() || v.is_u64(),
        Ty::Num => v.is_number(),
        Ty::Bool => v.is_boolean(),
        Ty::Null => v.is_null(),
        Ty::DateTime => v.as_str().is_some_and(is_datetime),
        Ty::Uuid => v.as_str().is_some_and(is_uuid),
        Ty::Lit(l) => v.as_str() == Some(l),
        Ty::Ref(_) | Ty::Obj { .. } | Ty::Arr(_) | Ty::Alt(_) => false,
    }
}

fn check_loud(ty: &Ty, v: &Value, path: &str) -> Result<(), String> {
    let fail = |what: &str| Err(format!("{path}: expected {what}, got {v}"));
    match ty {
        _ if leaf_ok(ty, v) => Ok(()),
        Ty::Any => Ok(()),
        Ty::Ref(name) => {
            let ty = named()
                .get(name)
                .unwrap_or_else(|| panic!("unknown schema type {name}"));
            check(ty, v, path)
        }
        Ty::Arr(inner) => match v.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| check(inner, item, &format!("{path}[{i}]"))),
            None => fail("an array"),
        },
        Ty::Obj { fields, open } => {
            let Some(map) = v.as_object() else {
                return fail("an object");
            };
            for (key, required, fty) in fields {
                match map.get(key) {
                    Some(fv) => check(fty, fv, &format!("{path}.{key}"))?,
                    None if *required => {
                        return Err(format!("{path}: missing field '{key}' in {v}"));
                    }
                    None => {}
                }
            }
            if !open
                && let Some(extra) = map.keys().find(|k| !fields.iter().any(|(f, _, _)| f == *k))
            {
                return Err(format!("{path}: unexpected field '{extra}'"));
            }
            Ok(())
        }
        Ty::Alt(alts) => {
            let errors: Vec<String> = alts
                .iter()
                .filter_map(|a| check(a, v, path).err())
                .collect();
            if errors.len() < alts.len() {
                Ok(())
            } else {
                Err(format!(
                    "{path}: no alternative matched: {}",
                    errors.join(" / ")
                ))
            }
        }
        Ty::Str => fail("a string"),
        Ty::Int => fail("an integer"),
        Ty::Num => fail("a number"),
        Ty::Bool => fail("a boolean"),
        Ty::Null => fail("null"),
        Ty::DateTime => fail("an RFC 3339 UTC timestamp"),
        Ty::Uuid => fail("a lowercase UUID"),
        Ty::Lit(l) => fail(&format!("'{l}'")),
    }
}

/// Check a JSON value against a type expression.
pub fn check_str(ty: &str, v: &Value) -> Result<(), String> {
    check(&parse(ty), v, "$")
}
