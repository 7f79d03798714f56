//! A whole-body field declared optional.
mgc::endpoint! {
    /// Creates a thing.
    pub struct CreateThing {
        method: POST,
        path: "/v1/things",
        response: (),
        optional: {
            /// The thing.
            thing: String => json;
        },
    }
}

fn main() {}
