-- How the bot addresses a resident: null for "anh/chị" (the default), 'ong_ba' once they wrote
-- as an elderly person ("bà hỏi…", "tôi năm nay 76 tuổi"), so a 76-year-old is never "bạn".
alter table residents add column honorific text;
