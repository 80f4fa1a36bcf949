//! Reading a CalDAV `multistatus` answer: the `calendar-data` of each
//! resource.

use quick_xml::Reader;
use quick_xml::events::Event;
use rota_app::ports::SyncError;

/// The text of every `calendar-data` element, whatever its namespace
/// prefix, entities resolved.
pub(crate) fn calendar_data(body: &str) -> Result<Vec<String>, SyncError> {
    let garbled = |e: &dyn std::fmt::Display| SyncError::Garbled(e.to_string());
    let mut reader = Reader::from_str(body);
    let mut found = Vec::new();
    let mut inside: Option<String> = None;
    loop {
        match reader.read_event().map_err(|e| garbled(&e))? {
            Event::Start(e) if e.local_name().as_ref() == b"calendar-data" => {
                inside = Some(String::new());
            }
            Event::Text(t) => {
                if let Some(data) = inside.as_mut() {
                    data.push_str(&t.unescape().map_err(|e| garbled(&e))?);
                }
            }
            Event::CData(c) => {
                if let Some(data) = inside.as_mut() {
                    data.push_str(&String::from_utf8_lossy(&c.into_inner()));
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"calendar-data" => {
                if let Some(data) = inside.take()
                    && !data.trim().is_empty()
                {
                    found.push(data);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_resources_calendar_data_is_read_with_its_entities() {
        let body = r#"<?xml version="1.0"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <response><href>/a.ics</href><propstat><prop>
  <C:calendar-data>BEGIN:VCALENDAR&#13;
SUMMARY:Tom &amp; Jo&#13;
END:VCALENDAR</C:calendar-data></prop></propstat></response>
 <response><href>/b.ics</href><propstat><prop>
  <C:calendar-data><![CDATA[BEGIN:VCALENDAR
END:VCALENDAR]]></C:calendar-data></prop></propstat></response>
</multistatus>"#;
        let found = calendar_data(body).unwrap();
        assert_eq!(found.len(), 2);
        assert!(found[0].contains("Tom & Jo\r\n"), "{:?}", found[0]);
        assert!(found[1].starts_with("BEGIN:VCALENDAR"));
    }
}
