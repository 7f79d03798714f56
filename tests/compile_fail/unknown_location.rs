//! A field that goes to a wire location that does not exist: it would never be sent.
mgc::endpoint! {
    /// Lists things.
    pub struct ListThings {
        method: GET,
        path: "/v1/things",
        response: (),
        optional: {
            /// Only things with this name.
            name: String => qeury "name";
        },
    }
}

fn main() {}
