//! A method the table does not know.
mgc::endpoint! {
    /// Reads things.
    pub struct ListThings {
        method: GTE,
        path: "/v1/things",
        response: (),
    }
}

fn main() {}
