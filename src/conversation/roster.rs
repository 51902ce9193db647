//! Who is paged: the officers on call (else the configured fallback, else the chief), and the
//! chief(s), who alone receive complaints about officers.

use crate::ids::ZaloId;

/// The Zalo ids paged for emergencies: the on-call roster the chief set, else the configured
/// `officers.on_call`, else the chief(s) — so an emergency reaches someone whenever any officer
/// is registered. Empty only when nobody at all can be paged; callers must then say so.
pub async fn pager_ids(
    store: &crate::store::Store,
    tx: &mut crate::store::Tx,
    vault: &crate::vault::Vault,
    fallback: &[String],
) -> sqlx::Result<Vec<ZaloId>> {
    let officers = store.officers(tx).await?;
    let ids = |keep: &dyn Fn(&crate::store::OfficerRow) -> bool| -> Vec<ZaloId> {
        officers
            .iter()
            .filter(|o| keep(o))
            .filter_map(|o| vault.open_zalo_id(&o.zalo_id_sealed).ok())
            .collect()
    };
    let roster = ids(&|o| o.on_call == 1);
    if !roster.is_empty() {
        return Ok(roster);
    }
    if !fallback.is_empty() {
        return Ok(fallback.iter().cloned().map(ZaloId::new).collect());
    }
    Ok(ids(&|o| o.is_chief()))
}

/// The Zalo ids of the chief(s): the only recipients of complaints about officers.
pub async fn chief_ids(
    store: &crate::store::Store,
    tx: &mut crate::store::Tx,
    vault: &crate::vault::Vault,
) -> sqlx::Result<Vec<ZaloId>> {
    Ok(store
        .officers(tx)
        .await?
        .iter()
        .filter(|o| o.is_chief())
        .filter_map(|o| vault.open_zalo_id(&o.zalo_id_sealed).ok())
        .collect())
}
