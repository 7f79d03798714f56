//! A whole-body field next to body members.
mgc::endpoint! {
    /// Creates a thing.
    pub struct CreateThing {
        method: POST,
        path: "/v1/things",
        response: (),
        required: {
            /// The thing.
            thing: String => json;
            /// Its name.
            name: String => body;
        },
    }
}

fn main() {}
