//! Example content for sandbox mode only, so a demo shows news and warnings before an officer
//! has posted any. Never run outside sandbox mode.

use std::time::Duration;

use crate::store::{NewsKind, Store};
use crate::time::Timestamp;

const ITEMS: &[(NewsKind, &str, &str)] = &[
    (
        NewsKind::Warning,
        "Cảnh giác cuộc gọi giả danh công an",
        "Công an không làm việc qua điện thoại, không yêu cầu cài ứng dụng lạ, không yêu cầu chuyển tiền hay đọc mã OTP. Gặp trường hợp này hãy báo ngay cho Công an phường.",
    ),
    (
        NewsKind::News,
        "Lịch tiếp công dân làm căn cước cuối tuần",
        "Công an phường tiếp nhận hồ sơ căn cước sáng thứ Bảy hằng tuần, 7:30–11:30. Người dân nên đặt lịch trước trên VNeID.",
    ),
    (
        NewsKind::Warning,
        "Thủ đoạn lừa đảo \"hoàn tiền\" khi mua hàng trực tuyến",
        "Kẻ gian gọi điện xưng nhân viên sàn thương mại điện tử, gửi đường link lạ để \"hoàn tiền\". Tuyệt đối không bấm vào link và không cung cấp thông tin tài khoản.",
    ),
    (
        NewsKind::News,
        "Tuyên truyền phòng cháy, chữa cháy khu dân cư",
        "Mỗi gia đình nên trang bị bình chữa cháy, kiểm tra hệ thống điện và không để xe máy sạc điện qua đêm gần lối thoát hiểm.",
    ),
];

/// Inserts the examples into an empty news table.
pub async fn sandbox_news(store: &Store) -> sqlx::Result<()> {
    if store.news_count().await? > 0 {
        return Ok(());
    }
    let now = Timestamp::now();
    let mut tx = store.begin().await?;
    for (i, (kind, title, body)) in ITEMS.iter().enumerate() {
        // Spread over the last days so "newest first" is visible.
        let published = now.minus(Duration::from_secs(i as u64 * 86_400));
        store
            .add_news(&mut tx, *kind, title, body, None, published, "seed", now)
            .await?;
    }
    tx.commit().await
}
