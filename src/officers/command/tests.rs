//! Table tests of the parser: every command, alias and keyword as officers type them.

use super::roster::{
    OFFICER_ADD_USAGE, OFFICER_ALERT_ALL_USAGE, OFFICER_AREA_USAGE, OFFICER_REMOVE_USAGE,
};
use super::*;
use crate::cases::code;

const CODE: &str = "PA-7K3M9Q";

fn ok(text: &str) -> Command {
    match parse(text) {
        Ok(c) => c,
        Err(e) => panic!("{text:?}: {e:?}"),
    }
}

fn usage_of(text: &str) -> &'static str {
    match parse(text) {
        Err(ParseError::Usage { command, usage }) => {
            assert!(usage.starts_with(USAGE_PREFIX), "{usage}");
            command
        }
        other => panic!("{text:?}: expected a usage error, got {other:?}"),
    }
}

fn case(code: &str) -> Command {
    Command::Case {
        code: case_code(code),
    }
}

fn case_code(typed: &str) -> CaseCode {
    code::find(typed).expect("a case code")
}

#[test]
fn not_a_command() {
    for text in [
        "",
        "   ",
        "help",
        "xin chào",
        "PA-7K3M9Q",
        "\\help",
        "dấu / ở giữa",
    ] {
        assert_eq!(parse(text), Err(ParseError::NotACommand), "{text:?}");
    }
}

#[test]
fn unknown_command_keeps_the_word_as_typed() {
    assert_eq!(parse("/xyz abc"), Err(ParseError::Unknown("xyz".into())));
    assert_eq!(parse("/Chào anh"), Err(ParseError::Unknown("Chào".into())));
    assert_eq!(parse("/"), Err(ParseError::Unknown(String::new())));
    assert_eq!(parse("/   "), Err(ParseError::Unknown(String::new())));
    assert_eq!(
        parse("/xyz").map_err(|e| e.to_string()),
        Err("unknown command `xyz`".to_string())
    );
}

#[test]
fn slash_forms_and_spaces() {
    assert_eq!(ok("/help"), Command::Help);
    assert_eq!(ok("／help"), Command::Help);
    assert_eq!(ok("   /help   "), Command::Help);
    assert_eq!(ok("/ help"), Command::Help);
    assert_eq!(ok("/HELP"), Command::Help);
    assert_eq!(ok("/help anything else"), Command::Help);
}

#[test]
fn every_alias_with_and_without_diacritics() {
    let cases: &[(&str, &str)] = &[
        ("/help", "help"),
        ("/giup", "help"),
        ("/giúp", "help"),
        ("/trogiup", "help"),
        ("/trợgiúp", "help"),
        ("/trợ giúp", "help"),
        ("/huongdan", "help"),
        ("/Hướng Dẫn", "help"),
        ("/cases", "cases"),
        ("/ds", "cases"),
        ("/danhsach", "cases"),
        ("/danh sách", "cases"),
        ("/tinbao", "cases"),
        ("/tinbáo", "cases"),
        ("/stats", "stats"),
        ("/thongke", "stats"),
        ("/thống kê", "stats"),
        ("/TK", "stats"),
        ("/oncall", "oncall"),
        ("/truc", "oncall"),
        ("/trực", "oncall"),
        ("/officer", "officer"),
        ("/canbo", "officer"),
        ("/cán bộ", "officer"),
        ("/Cán-Bộ list", "officer"),
    ];
    for (text, name) in cases {
        assert_eq!(ok(text).name().as_str(), *name, "{text}");
    }
    let with_code: &[(&str, &str)] = &[
        ("case", "case"),
        ("xem", "case"),
        ("chitiet", "case"),
        ("chi tiết", "case"),
        ("claim", "claim"),
        ("nhan", "claim"),
        ("nhận", "claim"),
        ("NHẬN", "claim"),
        ("assign", "assign"),
        ("giao", "assign"),
        ("status", "status"),
        ("tt", "status"),
        ("trangthai", "status"),
        ("trạng thái", "status"),
        ("note", "note"),
        ("ghichu", "note"),
        ("ghi chú", "note"),
        ("reply", "reply"),
        ("traloi", "reply"),
        ("trảlời", "reply"),
        ("trả lời", "reply"),
        ("tl", "reply"),
        ("reveal", "reveal"),
        ("danhtinh", "reveal"),
        ("danh tính", "reveal"),
    ];
    for (word, name) in with_code {
        // `xong` doubles as a handle, a status and free text.
        let text = format!("/{word} pa-7k3m9q xong");
        assert_eq!(ok(&text).name().as_str(), *name, "{text}");
    }
    for word in [
        "news",
        "tin",
        "tintuc",
        "tin tức",
        "warn",
        "canhbao",
        "cảnh báo",
    ] {
        let text = format!("/{word} Tiêu đề | Nội dung");
        assert!(
            matches!(ok(&text), Command::News { .. } | Command::Warn { .. }),
            "{text}"
        );
    }
    for word in ["alert", "thongbao", "thông báo", "bao", "báo"] {
        let text = format!("/{word} kp2 Cúp nước");
        assert_eq!(ok(&text).name().as_str(), "alert", "{text}");
    }
}

#[test]
fn reply_keeps_the_text_exactly() {
    assert_eq!(
        ok("/TRẢLỜI pa 7k3m9q Chúng tôi đã tiếp nhận"),
        Command::Reply {
            code: case_code(CODE),
            text: "Chúng tôi đã tiếp nhận".into()
        }
    );
    // NFD input comes out NFC; inner spacing and line breaks are kept.
    let nfd: String =
        unicode_normalization::UnicodeNormalization::nfd("/tl PA-7K3M9Q Cảm ơn  bạn,\nđã báo")
            .collect();
    assert_eq!(
        ok(&nfd),
        Command::Reply {
            code: case_code(CODE),
            text: "Cảm ơn  bạn,\nđã báo".into()
        }
    );
    // `ko`, `dc` are teencode for fold, but free text is never folded.
    assert_eq!(
        ok("/reply PA-7K3M9Q: ko dc đâu ạ"),
        Command::Reply {
            code: case_code(CODE),
            text: "ko dc đâu ạ".into()
        }
    );
    assert_eq!(
        ok("/tl pa-7k3m9q. Dạ vâng"),
        Command::Reply {
            code: case_code(CODE),
            text: "Dạ vâng".into()
        }
    );
    assert_eq!(
        ok("/reply PA-7K3M9Q,Chúng tôi"),
        Command::Reply {
            code: case_code(CODE),
            text: "Chúng tôi".into()
        }
    );
    assert_eq!(
        ok("/note PA-7K3M9Q - Đã gọi điện, hẹn 9h"),
        Command::Note {
            code: case_code(CODE),
            text: "Đã gọi điện, hẹn 9h".into()
        }
    );
}

#[test]
fn codes_in_odd_forms() {
    for typed in [
        "PA-7K3M9Q",
        "pa-7k3m9q",
        "pa 7k3m9q",
        "PA7K3M9Q",
        "Pa 7 k 3 m 9 q",
        "pa-7k3m-9q",
        "pa.7k3m9q",
        "#PA-7K3M9Q",
        "PA-7K3M9Q,",
    ] {
        assert_eq!(ok(&format!("/xem {typed}")), case(CODE), "{typed}");
        assert_eq!(ok(&format!("/xem   {typed}   ")), case(CODE), "{typed}");
    }
    // Crockford confusions are normalised by code::find.
    assert_eq!(ok("/xem pa-0o1il0"), case("PA-001110"));
    // Trailing words after a code are ignored where nothing else is expected.
    assert_eq!(
        ok("/nhan PA-7K3M9Q nhé"),
        Command::Claim {
            code: case_code(CODE)
        }
    );
    // A code that runs into more letters, or is split by the text, is not a code.
    assert_eq!(
        ok("/reply pa 7k3m9q xin chào"),
        Command::Reply {
            code: case_code(CODE),
            text: "xin chào".into()
        }
    );
}

#[test]
fn missing_or_bad_codes_are_usage_errors() {
    for text in [
        "/case",
        "/xem",
        "/xem 7K3M9Q",
        "/xem PA-7K3M9",
        "/xem PA-7K3M9QX",
        "/xem PA-7K3M9U",
        "/xem PA-2026-000045",
        "/xem mã PA-7K3M9Q",
        "/xem papa",
    ] {
        assert_eq!(usage_of(text), "case", "{text}");
    }
    for (text, name) in [
        ("/claim", "claim"),
        ("/nhan abc", "claim"),
        ("/assign", "assign"),
        ("/giao an", "assign"),
        ("/status", "status"),
        ("/tt xong", "status"),
        ("/note", "note"),
        ("/reply", "reply"),
        ("/reply Chúng tôi đã nhận PA-7K3M9Q", "reply"),
        ("/reveal", "reveal"),
    ] {
        assert_eq!(usage_of(text), name, "{text}");
    }
}

#[test]
fn reply_and_note_text_bounds() {
    assert_eq!(usage_of("/reply PA-7K3M9Q"), "reply");
    assert_eq!(usage_of("/reply PA-7K3M9Q   "), "reply");
    assert_eq!(usage_of("/note PA-7K3M9Q :"), "note");
    let max = "ạ".repeat(MAX_TEXT);
    assert_eq!(
        ok(&format!("/reply PA-7K3M9Q {max}")),
        Command::Reply {
            code: case_code(CODE),
            text: max.clone()
        }
    );
    assert_eq!(usage_of(&format!("/reply PA-7K3M9Q {max}a")), "reply");
    assert_eq!(usage_of(&format!("/note PA-7K3M9Q {max}a")), "note");
}

#[test]
fn usage_error_displays_the_vietnamese_line() {
    let err = parse("/reply").err();
    assert_eq!(
        err.map(|e| e.to_string()),
        Some("Cú pháp: /reply <mã tin báo> <nội dung>".to_string())
    );
}

#[test]
fn cases_filters() {
    let f = |text: &str| match ok(text) {
        Command::Cases { filter, page: 1 } => filter,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(f("/cases"), CaseFilter::Open);
    assert_eq!(f("/ds"), CaseFilter::Open);
    for (word, want) in [
        ("new", CaseFilter::New),
        ("moi", CaseFilter::New),
        ("mới", CaseFilter::New),
        ("MỚI", CaseFilter::New),
        ("mine", CaseFilter::Mine),
        ("cuatoi", CaseFilter::Mine),
        ("của tôi", CaseFilter::Mine),
        ("toi", CaseFilter::Mine),
        ("tôi", CaseFilter::Mine),
        ("open", CaseFilter::Open),
        ("mo", CaseFilter::Open),
        ("mở", CaseFilter::Open),
        ("dangmo", CaseFilter::Open),
        ("đang mở", CaseFilter::Open),
        ("urgent", CaseFilter::Urgent),
        ("khan", CaseFilter::Urgent),
        ("khẩn", CaseFilter::Urgent),
        ("khancap", CaseFilter::Urgent),
        ("khẩn cấp", CaseFilter::Urgent),
    ] {
        assert_eq!(f(&format!("/cases {word}")), want, "{word}");
        assert_eq!(f(&format!("/tinbao   {word}  ")), want, "{word}");
    }
    assert_eq!(f("/ds kp Khu phố 2"), CaseFilter::Area("Khu phố 2".into()));
    assert_eq!(f("/ds area  Tân Hòa "), CaseFilter::Area("Tân Hòa".into()));
    assert_eq!(f("/ds khu vực Chợ"), CaseFilter::Area("Chợ".into()));
    assert_eq!(f("/ds kp2"), CaseFilter::Area("kp2".into()));
    assert_eq!(f("/ds KP12"), CaseFilter::Area("KP12".into()));
    assert_eq!(usage_of("/ds kp"), "cases");
    assert_eq!(usage_of("/ds hôm qua"), "cases");
    assert_eq!(f("/cases all"), CaseFilter::All);
    assert_eq!(f("/ds tất cả"), CaseFilter::All);
}

/// The station's khu phố, as in `config/default.toml`'s shape: names with spaces, an alias.
fn ward() -> Vec<crate::config::AreaSettings> {
    (1..=12)
        .map(|i| crate::config::AreaSettings {
            name: format!("Khu phố {i}"),
            aliases: if i == 3 {
                vec!["Tân Hòa Đông".into()]
            } else {
                vec![]
            },
            officer_name: String::new(),
            officer_phone: String::new(),
            group_id: None,
        })
        .collect()
}

fn in_ward(text: &str) -> Command {
    parse_in(text, &ward()).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
}

#[test]
fn cases_pages_with_and_without_filters() {
    let cases = |filter, page| Command::Cases { filter, page };
    assert_eq!(ok("/cases 2"), cases(CaseFilter::Open, 2));
    assert_eq!(ok("/ds mới 3"), cases(CaseFilter::New, 3));
    assert_eq!(ok("/cases khẩn cấp 2"), cases(CaseFilter::Urgent, 2));
    assert_eq!(ok("/cases all 4"), cases(CaseFilter::All, 4));
    assert_eq!(ok("/cases kp2 2"), cases(CaseFilter::Area("kp2".into()), 2));
    // Knowing no khu phố, `kp 3` is khu phố "3", not page 3.
    assert_eq!(ok("/cases kp 3"), cases(CaseFilter::Area("3".into()), 1));
    assert_eq!(
        ok("/cases kp Tân Hòa 2"),
        cases(CaseFilter::Area("Tân Hòa".into()), 2)
    );
    for bad in ["/cases 0", "/cases 2 3", "/cases mới hai", "/cases -1"] {
        assert_eq!(usage_of(bad), "cases", "{bad}");
    }
    // Each filter's next-page command reads back as that filter and page.
    let area = CaseFilter::Area("Khu phố 3".into());
    for filter in [
        CaseFilter::New,
        CaseFilter::Mine,
        CaseFilter::Open,
        CaseFilter::Urgent,
        CaseFilter::All,
        area,
    ] {
        let command = filter.command(2);
        assert_eq!(in_ward(&command), cases(filter.clone(), 2), "{command}");
    }
}

#[test]
fn khu_pho_names_with_spaces_in_every_command() {
    let area = |name: &str, page| Command::Cases {
        filter: CaseFilter::Area(name.into()),
        page,
    };
    assert_eq!(in_ward("/cases kp Khu phố 3"), area("Khu phố 3", 1));
    assert_eq!(in_ward("/cases Khu phố 12 2"), area("Khu phố 12", 2));
    assert_eq!(in_ward("/cases kp 3"), area("Khu phố 3", 1));
    assert_eq!(in_ward("/ds khu vực tân hoà đông 2"), area("Khu phố 3", 2));
    assert_eq!(
        in_ward("/alert Khu phố 3 Cúp điện từ 8h"),
        Command::Alert {
            area: "Khu phố 3".into(),
            text: "Cúp điện từ 8h".into()
        }
    );
    assert_eq!(
        in_ward("/thông báo khu pho 12 Họp tổ dân phố 19h"),
        Command::Alert {
            area: "Khu phố 12".into(),
            text: "Họp tổ dân phố 19h".into()
        }
    );
    assert_eq!(
        in_ward("/alert Tân Hòa Đông nước ngập"),
        Command::Alert {
            area: "Khu phố 3".into(),
            text: "nước ngập".into()
        }
    );
    // Unknown: as typed, for the console to say it does not know it.
    assert_eq!(
        in_ward("/alert Khu phố 30 nước ngập"),
        Command::Alert {
            area: "Khu phố 30".into(),
            text: "nước ngập".into()
        }
    );
    assert_eq!(usage_of("/alert Khu phố 3"), "alert");
    let areas = |text: &str| match in_ward(text) {
        Command::Officer(OfficerAction::Areas { areas, .. }) => areas,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(
        areas("/officer area an Khu phố 2 Khu phố 5"),
        vec!["Khu phố 2", "Khu phố 5"]
    );
    assert_eq!(
        areas("/officer area an Khu phố 2, Khu phố 5"),
        vec!["Khu phố 2", "Khu phố 5"]
    );
    assert_eq!(
        areas("/canbo kp an kp1 Tân Hòa Đông"),
        vec!["Khu phố 1", "Khu phố 3"]
    );
}

#[test]
fn update_is_a_code_and_a_text() {
    let want = Command::Update {
        code: case_code(CODE),
        text: "Đã xác minh, đang làm việc với chủ nhà".into(),
    };
    assert_eq!(
        ok("/update PA-7K3M9Q Đã xác minh, đang làm việc với chủ nhà"),
        want
    );
    assert_eq!(
        ok("/cập nhật pa7k3m9q: Đã xác minh, đang làm việc với chủ nhà"),
        want
    );
    assert_eq!(
        ok("/tiến độ PA-7K3M9Q Đã xác minh, đang làm việc với chủ nhà"),
        want
    );
    assert_eq!(usage_of("/update PA-7K3M9Q"), "update");
    assert_eq!(usage_of("/update xin chào"), "update");
}

#[test]
fn a_tapped_button_runs_its_command() {
    assert_eq!(ok("/claim PA-7K3M9Q"), ok("#claim PA-7K3M9Q"));
    assert_eq!(ok("#case PA-7K3M9Q"), case(CODE));
    for text in ["#menu", "#menu:report", "#send:contact", "#"] {
        assert_eq!(parse(text), Err(ParseError::NotACommand), "{text}");
    }
}

#[test]
fn officer_invite_takes_an_optional_name_and_role() {
    let invite = |name: Option<&str>, role| {
        Command::Officer(OfficerAction::Invite {
            name: name.map(str::to_string),
            role,
        })
    };
    assert_eq!(ok("/officer invite"), invite(None, Role::Officer));
    assert_eq!(ok("/canbo mời chief"), invite(None, Role::Chief));
    assert_eq!(
        ok("/officer invite Thượng úy Nguyễn Văn Bình"),
        invite(Some("Thượng úy Nguyễn Văn Bình"), Role::Officer)
    );
    assert_eq!(
        ok("/officer invite Nguyễn Văn Bình officer"),
        invite(Some("Nguyễn Văn Bình"), Role::Officer)
    );
    assert_eq!(
        ok("/officer invite chief Trần Thị Hoa"),
        invite(Some("Trần Thị Hoa"), Role::Chief)
    );
    assert_eq!(
        usage_of(&format!("/officer invite {}", "a".repeat(101))),
        "officer"
    );
}

#[test]
fn assign_takes_a_handle() {
    let want = Command::Assign {
        code: case_code(CODE),
        officer: "an".into(),
    };
    assert_eq!(ok("/assign PA-7K3M9Q an"), want);
    assert_eq!(ok("/giao pa7k3m9q @An"), want);
    assert_eq!(ok("/Giao pa 7k3m9q cho An"), want);
    assert_eq!(
        ok("/giao PA-7K3M9Q Bình"),
        Command::Assign {
            code: case_code(CODE),
            officer: "binh".into()
        }
    );
    assert_eq!(
        ok("/giao PA-7K3M9Q cho"),
        Command::Assign {
            code: case_code(CODE),
            officer: "cho".into()
        }
    );
    assert_eq!(usage_of("/giao PA-7K3M9Q"), "assign");
    assert_eq!(usage_of("/giao PA-7K3M9Q @"), "assign");
}

#[test]
fn status_ids_and_aliases() {
    let st = |text: &str| match ok(text) {
        Command::Status { code, status, note } => {
            assert_eq!(code.as_str(), CODE, "{text}");
            (status, note)
        }
        other => panic!("{text}: {other:?}"),
    };
    for (typed, want) in [
        ("received", "received"),
        ("tiepnhan", "received"),
        ("tiếp nhận", "received"),
        ("đã tiếp nhận", "received"),
        ("processing", "processing"),
        ("xuly", "processing"),
        ("xử lý", "processing"),
        ("đang xử lý", "processing"),
        ("need_info", "need_info"),
        ("need-info", "need_info"),
        ("bosung", "need_info"),
        ("bổ sung", "need_info"),
        ("cần bổ sung", "need_info"),
        ("transferred", "transferred"),
        ("chuyen", "transferred"),
        ("chuyển", "transferred"),
        ("đã chuyển", "transferred"),
        ("resolved", "resolved"),
        ("xong", "resolved"),
        ("XONG", "resolved"),
        ("đã xong", "resolved"),
        ("đã xử lý", "resolved"),
        ("xử lý xong", "resolved"),
        ("giaiquyet", "resolved"),
        ("giải quyết", "resolved"),
        ("đã giải quyết", "resolved"),
        ("hoàn thành", "resolved"),
        ("rejected", "rejected"),
        ("tuchoi", "rejected"),
        ("từ chối", "rejected"),
    ] {
        assert_eq!(
            st(&format!("/tt PA-7K3M9Q {typed}")),
            (Status::from_id(want).unwrap(), None),
            "{typed}"
        );
        assert_eq!(
            st(&format!("/trạng thái pa7k3m9q {typed} Ghi chú: ĐÃ gọi")),
            (
                Status::from_id(want).unwrap(),
                Some("Ghi chú: ĐÃ gọi".into())
            ),
            "{typed}"
        );
    }
    assert_eq!(
        st("/status PA-7K3M9Q chuyển - Công an quận"),
        (Status::Transferred, Some("Công an quận".into()))
    );
    assert_eq!(usage_of("/tt PA-7K3M9Q"), "status");
    assert_eq!(usage_of("/tt PA-7K3M9Q done"), "status");
    assert_eq!(usage_of("/tt PA-7K3M9Q đang"), "status");
    let long = "x".repeat(MAX_TEXT + 1);
    assert_eq!(usage_of(&format!("/tt PA-7K3M9Q xong {long}")), "status");
}

#[test]
fn news_and_warnings_need_title_and_text() {
    assert_eq!(
        ok("/news Lịch tiếp dân | Thứ Bảy 8h–11h tại trụ sở."),
        Command::News {
            title: "Lịch tiếp dân".into(),
            text: "Thứ Bảy 8h–11h tại trụ sở.".into()
        }
    );
    // Only the first bar splits; full-width bar and a line break work too.
    assert_eq!(
        ok("/tin A | b | c"),
        Command::News {
            title: "A".into(),
            text: "b | c".into()
        }
    );
    assert_eq!(
        ok("/canhbao Lừa đảo ｜Không chuyển tiền"),
        Command::Warn {
            title: "Lừa đảo".into(),
            text: "Không chuyển tiền".into()
        }
    );
    assert_eq!(
        ok("/cảnh báo Lừa đảo qua điện thoại\nKhông cung cấp mã OTP"),
        Command::Warn {
            title: "Lừa đảo qua điện thoại".into(),
            text: "Không cung cấp mã OTP".into()
        }
    );
    assert_eq!(
        ok("/news Tiêu đề\nNội dung | có gạch\nvà dòng 2"),
        Command::News {
            title: "Tiêu đề".into(),
            text: "Nội dung | có gạch\nvà dòng 2".into()
        }
    );
    // `/tin tức` is `/tin` with the second word of the alias.
    assert_eq!(
        ok("/tin tức Họp dân | 19h tối nay"),
        Command::News {
            title: "Họp dân".into(),
            text: "19h tối nay".into()
        }
    );
    for text in [
        "/news",
        "/news Tiêu đề",
        "/news Tiêu đề |",
        "/news | nội dung",
        "/news   |   ",
    ] {
        assert_eq!(usage_of(text), "news", "{text}");
    }
    assert_eq!(usage_of("/warn chỉ tiêu đề"), "warn");
    let title = "T".repeat(MAX_TITLE);
    assert!(matches!(
        ok(&format!("/news {title} | x")),
        Command::News { .. }
    ));
    assert_eq!(usage_of(&format!("/news {title}T | x")), "news");
    // `/tin báo` is news, not the case list: document, and fail visibly.
    assert_eq!(usage_of("/tin báo mới"), "news");
}

#[test]
fn alert_area_is_one_token() {
    assert_eq!(
        ok("/alert kp2 Cúp điện từ 8h đến 11h"),
        Command::Alert {
            area: "kp2".into(),
            text: "Cúp điện từ 8h đến 11h".into()
        }
    );
    for all in ["all", "ALL", "tatca", "tấtcả", "tất cả", "Tất Cả"] {
        assert_eq!(
            ok(&format!("/thông báo {all} Họp tổ dân phố")),
            Command::Alert {
                area: "all".into(),
                text: "Họp tổ dân phố".into()
            },
            "{all}"
        );
    }
    // The area is kept as typed.
    assert_eq!(
        ok("/bao KP-Tân_Hòa nước ngập"),
        Command::Alert {
            area: "KP-Tân_Hòa".into(),
            text: "nước ngập".into()
        }
    );
    assert_eq!(usage_of("/alert"), "alert");
    assert_eq!(usage_of("/alert kp2"), "alert");
    assert_eq!(usage_of("/alert tất cả"), "alert");
}

#[test]
fn reveal_needs_a_reason() {
    assert_eq!(
        ok("/danh tính PA-7K3M9Q Yêu cầu của cơ quan điều tra"),
        Command::Reveal {
            code: case_code(CODE),
            reason: "Yêu cầu của cơ quan điều tra".into()
        }
    );
    assert_eq!(usage_of("/reveal PA-7K3M9Q"), "reveal");
}

#[test]
fn stats_days_and_bounds() {
    let days = |text: &str| match ok(text) {
        Command::Stats { days } => days,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(days("/stats"), DEFAULT_DAYS);
    assert_eq!(days("/tk"), 30);
    assert_eq!(days("/thống kê 7"), 7);
    assert_eq!(days("/tk 7d"), 7);
    assert_eq!(days("/tk 7 ngày"), 7);
    assert_eq!(days("/tk 14ngày"), 14);
    assert_eq!(days("/tk 1"), 1);
    assert_eq!(days("/tk 365"), MAX_DAYS);
    // The unit is read from the first word only; later words are ignored.
    assert_eq!(days("/tk 7 tuần"), 7);
    for text in [
        "/tk 0",
        "/tk 366",
        "/tk 99999999999999",
        "/tk -5",
        "/tk tuần",
        "/tk 7w",
        "/tk 7tuần",
        "/tk ba",
    ] {
        assert_eq!(usage_of(text), "stats", "{text}");
    }
}

#[test]
fn oncall_show_and_set() {
    assert_eq!(ok("/oncall"), Command::OnCall(OnCallAction::Show));
    assert_eq!(ok("/trực"), Command::OnCall(OnCallAction::Show));
    assert_eq!(ok("/truc xem"), Command::OnCall(OnCallAction::Show));
    let set =
        |v: &[&str]| Command::OnCall(OnCallAction::Set(v.iter().map(|s| s.to_string()).collect()));
    assert_eq!(ok("/oncall set an binh"), set(&["an", "binh"]));
    assert_eq!(ok("/trực đặt @An, Bình"), set(&["an", "binh"]));
    assert_eq!(ok("/oncall SET an an  binh an"), set(&["an", "binh"]));
    assert_eq!(usage_of("/oncall set"), "oncall");
    assert_eq!(usage_of("/oncall set , ,"), "oncall");
    assert_eq!(usage_of("/oncall an binh"), "oncall");
}

#[test]
fn officer_management() {
    let off = |text: &str| match ok(text) {
        Command::Officer(a) => a,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(off("/officer"), OfficerAction::List);
    assert_eq!(off("/officer list"), OfficerAction::List);
    assert_eq!(off("/cán bộ ds"), OfficerAction::List);
    assert_eq!(
        off("/officer add 1234567890123 an officer Nguyễn Văn An"),
        OfficerAction::Add {
            zalo_id: "1234567890123".into(),
            handle: "an".into(),
            name: "Nguyễn Văn An".into(),
            role: Role::Officer
        }
    );
    assert_eq!(
        off("/canbo thêm 99 @Bình trưởng Trần Thị Bình"),
        OfficerAction::Add {
            zalo_id: "99".into(),
            handle: "binh".into(),
            name: "Trần Thị Bình".into(),
            role: Role::Chief
        }
    );
    assert_eq!(
        off("/officer add u-1 tu.le CHIEF Lê Tư"),
        OfficerAction::Add {
            zalo_id: "u-1".into(),
            handle: "tu.le".into(),
            name: "Lê Tư".into(),
            role: Role::Chief
        }
    );
    for text in [
        "/officer add",
        "/officer add 123",
        "/officer add 123 an",
        "/officer add 123 an officer",
        "/officer add 123 an sergeant Nguyễn An",
        "/officer add 123 an/b officer Nguyễn An",
        "/officer add 12|3 an officer Nguyễn An",
    ] {
        assert_eq!(
            parse(text),
            Err(ParseError::Usage {
                command: "officer",
                usage: OFFICER_ADD_USAGE
            }),
            "{text}"
        );
    }
    assert_eq!(
        off("/officer remove @An"),
        OfficerAction::Remove {
            handle: "an".into()
        }
    );
    assert_eq!(
        off("/canbo xoá binh"),
        OfficerAction::Remove {
            handle: "binh".into()
        }
    );
    assert_eq!(
        parse("/officer remove"),
        Err(ParseError::Usage {
            command: "officer",
            usage: OFFICER_REMOVE_USAGE
        })
    );
    assert_eq!(
        off("/officer area an kp1 kp2"),
        OfficerAction::Areas {
            handle: "an".into(),
            areas: vec!["kp1".into(), "kp2".into()]
        }
    );
    assert_eq!(
        off("/cán bộ khu vực an Khu phố 1, Khu phố 2 ,"),
        OfficerAction::Areas {
            handle: "an".into(),
            areas: vec!["Khu phố 1".into(), "Khu phố 2".into()]
        }
    );
    assert_eq!(
        parse("/officer area an"),
        Err(ParseError::Usage {
            command: "officer",
            usage: OFFICER_AREA_USAGE
        })
    );
    for (typed, allowed) in [
        ("/officer alertall an on", true),
        ("/cán bộ thông báo an cho phép", true),
        ("/canbo thongbao an tat", false),
        ("/officer alertall an thu hồi", false),
    ] {
        assert_eq!(
            off(typed),
            OfficerAction::AlertAll {
                handle: "an".into(),
                allowed
            },
            "{typed}"
        );
    }
    assert_eq!(
        parse("/officer alertall an maybe"),
        Err(ParseError::Usage {
            command: "officer",
            usage: OFFICER_ALERT_ALL_USAGE
        })
    );
    assert_eq!(usage_of("/officer fire an"), "officer");
}

#[test]
fn names_are_canonical_and_every_command_has_one_spec_and_role() {
    use std::collections::HashSet;
    let mut seen = HashSet::new();
    for spec in SPECS {
        assert!(lookup_command(spec.name.as_str()).is_some());
        assert!(seen.insert(spec.name), "{:?} twice", spec.name);
        let chief = matches!(
            spec.name,
            CommandName::Assign | CommandName::Reveal | CommandName::Officer
        );
        assert_eq!(spec.role == Role::Chief, chief, "{:?}", spec.name);
    }
    assert_eq!(
        seen.len(),
        CommandName::ALL.len(),
        "every CommandName has a spec"
    );
    assert_eq!(ok("/giao PA-7K3M9Q an").required_role(), Role::Chief);
    assert_eq!(ok("/oncall").required_role(), Role::Officer);
    assert_eq!(ok("/truc dat an").required_role(), Role::Chief);
    assert_eq!(ok("/trả lời PA-7K3M9Q vâng").required_role(), Role::Officer);
    // No alias names two commands.
    let mut all: Vec<&str> = SPECS
        .iter()
        .flat_map(|s| s.aliases.iter().copied().chain([s.name.as_str()]))
        .collect();
    let n = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), n);
    assert_eq!(ok("/giao PA-7K3M9Q an").name().as_str(), "assign");
    assert_eq!(ok("/oncall set an").name().as_str(), "oncall");
}

#[test]
fn help_lists_chief_commands_only_for_the_chief() {
    let officer = help(false);
    let chief = help(true);
    for cmd in [
        "/help", "/cases", "/case ", "/claim", "/status", "/note", "/reply", "/news", "/warn",
        "/alert", "/stats", "/oncall", "/update", "/web", "/group",
    ] {
        assert!(officer.contains(cmd), "{cmd}");
        assert!(chief.contains(cmd), "{cmd}");
    }
    for cmd in ["/assign", "/reveal", "/officer", "/oncall set"] {
        assert!(!officer.contains(cmd), "{cmd}");
        assert!(chief.contains(cmd), "{cmd}");
    }
    for alias in [
        "/traloi", "/tl", "/ds", "/tinbao", "/tk", "/truc", "/ghichu",
    ] {
        assert!(officer.contains(alias), "{alias}");
    }
    assert!(chief.contains("/danhtinh") && chief.contains("/canbo") && chief.contains("/giao"));
    // One line per command, plus a heading (and the chief's heading and oncall set line).
    assert_eq!(officer.lines().count(), 1 + 15);
    assert_eq!(chief.lines().count(), 1 + 15 + 1 + 1 + 3);
}

#[test]
fn group_commands() {
    // Khu phố as typed (no station areas here); the console maps them to the configured names.
    use super::groups::GroupAction;
    assert_eq!(ok("/group"), Command::Group(GroupAction::List));
    assert_eq!(ok("/nhom"), Command::Group(GroupAction::List));
    assert_eq!(
        ok("/group link Khu phố 2 1234567890123456789"),
        Command::Group(GroupAction::Link {
            area: "Khu phố 2".into(),
            group_id: "1234567890123456789".into(),
            join_link: None,
        })
    );
    assert_eq!(
        ok("/nhom noi kp3 77 https://zalo.me/g/abc"),
        Command::Group(GroupAction::Link {
            area: "kp3".into(),
            group_id: "77".into(),
            join_link: Some("https://zalo.me/g/abc".into()),
        })
    );
    assert_eq!(
        ok("/group say khu pho 1 Họp tổ dân phố lúc 19h"),
        Command::Group(GroupAction::Say {
            area: "khu pho 1".into(),
            text: "Họp tổ dân phố lúc 19h".into(),
        })
    );
    assert_eq!(ok("/group link kp1 7").required_role(), Role::Chief);
    assert_eq!(ok("/group say kp1 x").required_role(), Role::Officer);
    assert_eq!(ok("/group").required_role(), Role::Officer);
    for bad in [
        "/group link kp1",
        "/group link kp1 12-34",
        "/group link kp1 77 http://evil",
        "/group link kp1 77 https://zalo.me/g/a extra",
        "/group say kp1",
        "/group frobnicate",
    ] {
        assert_eq!(usage_of(bad), "group", "{bad}");
    }
}
