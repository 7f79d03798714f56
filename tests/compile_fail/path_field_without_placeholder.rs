//! A path field whose placeholder is missing from the path.
mgc::endpoint! {
    /// Reads a thing.
    pub struct GetThing {
        method: GET,
        path: "/v1/things/{id}",
        response: (),
        required: {
            /// The thing.
            id: String => path;
            /// Its version.
            version: String => path;
        },
    }
}

fn main() {}
