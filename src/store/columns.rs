//! How our typed values are stored: each enum as its stable text id (the same id its `id()`
//! gives and its `from_id` parses, so a stored value and a parsed command agree), read back
//! strictly — a value no variant knows fails the row's decoding instead of being guessed at.
//! Written for sqlx's `Any` driver, which serves both SQLite and PostgreSQL; newtypes over
//! one integer or string (`Timestamp`, the ids) derive `sqlx::Type` transparently instead.

use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

use super::{GroupState, NewsKind, OutboxState};
use crate::access::{AuditAction, Outcome, Role};
use crate::cases::{Category, Status};

/// Implements `Type`, `Encode` and `Decode` for the `Any` driver through `id()`/`from_id`.
macro_rules! text_column {
    ($($ty:ty),+ $(,)?) => {$(
        impl Type<Any> for $ty {
            fn type_info() -> AnyTypeInfo {
                <str as Type<Any>>::type_info()
            }
        }

        impl<'q> Encode<'q, Any> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut <Any as Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                <&str as Encode<'q, Any>>::encode(self.id(), buf)
            }
        }

        impl<'r> Decode<'r, Any> for $ty {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <String as Decode<'r, Any>>::decode(value)?;
                <$ty>::from_id(&text)
                    .ok_or_else(|| format!("unknown {} `{text}`", stringify!($ty)).into())
            }
        }
    )+};
}

text_column!(
    Category,
    Status,
    Role,
    AuditAction,
    Outcome,
    OutboxState,
    NewsKind,
    GroupState
);
