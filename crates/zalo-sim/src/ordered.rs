//! JSON objects written with their keys in a given order. Zalo writes its own key order per
//! event (the console's test events: `app_id, user_id_by_app, event_name, timestamp, sender,
//! recipient, message`; follow: `oa_id, follower, user_id_by_app, event_name, source, app_id,
//! timestamp`), while serde_json's map sorts keys. Enabling serde_json's `preserve_order` here
//! would switch it on for the bot too (features unify across the workspace), so the simulator
//! builds its events from this small tree instead.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    /// A leaf (string, number…), written as serde_json writes it.
    Leaf(Value),
    /// An object, keys in this order.
    Obj(Vec<(&'static str, Json)>),
    /// An array.
    Arr(Vec<Json>),
}

/// An object from `(key, value)` pairs, in order.
pub(crate) fn obj<const N: usize>(fields: [(&'static str, Json); N]) -> Json {
    Json::Obj(fields.into())
}

/// A string leaf.
pub(crate) fn s(text: impl Into<String>) -> Json {
    Json::Leaf(Value::String(text.into()))
}

impl Json {
    /// Adds a key at the end of an object (no-op on other values).
    pub(crate) fn push(&mut self, key: &'static str, value: Json) {
        if let Json::Obj(fields) = self {
            fields.push((key, value));
        }
    }

    /// The compact bytes, in this key order.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Leaf(value) => value.serialize(serializer),
            Json::Obj(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, value) in fields {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            Json::Arr(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_order() {
        let value = obj([
            ("z", s("1")),
            (
                "a",
                Json::Arr(vec![obj([("payload", s("p")), ("type", s("t"))])]),
            ),
        ]);
        assert_eq!(
            String::from_utf8(value.to_bytes()).unwrap_or_default(),
            r#"{"z":"1","a":[{"payload":"p","type":"t"}]}"#
        );
    }
}
