//! A placeholder in the path that no field fills.
mgc::endpoint! {
    /// Reads a thing.
    pub struct GetThing {
        method: GET,
        path: "/v1/things/{id}",
        response: (),
        required: {
            /// The thing.
            thing: String => query;
        },
    }
}

fn main() {}
