/// Times as IRCv3 `server-time` writes them: `2026-11-30T12:42:53.123Z`, always UTC, always
/// milliseconds. Pure arithmetic (no Foundation): days from the civil calendar and back.
public enum ServerTime {
    /// The tag value for milliseconds since the Unix epoch.
    public static func format(milliseconds: Int64) -> String {
        let (date, time) = civil(milliseconds)
        return "\(date)T\(time.hours):\(time.minutes):\(time.seconds).\(pad(time.milliseconds, 3))Z"
    }

    /// `HH:MM` in UTC, for history lines shown as text.
    public static func clock(milliseconds: Int64) -> String {
        let (_, time) = civil(milliseconds)
        return "\(time.hours):\(time.minutes)"
    }

    /// `YYYY-MM-DD` in UTC.
    public static func date(milliseconds: Int64) -> String { civil(milliseconds).0 }

    /// Parses `YYYY-MM-DDThh:mm:ss[.sss]Z` (what CHATHISTORY's `timestamp=` carries) into
    /// milliseconds since the epoch; nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var milliseconds: Int64 = 0
        if bytes.count > 20 {
            // ".s" to ".sssssssss" before the Z; only the first three digits count.
            guard bytes[19] == UInt8(ascii: "."), bytes.count >= 22 else { return nil }
            let digits = bytes.count - 21
            guard digits <= 9, let fraction = number(20, digits) else { return nil }
            var scaled = fraction
            if digits < 3 {
                for _ in digits..<3 { scaled *= 10 }
            } else {
                for _ in 3..<digits { scaled /= 10 }
            }
            milliseconds = scaled
        } else if bytes[19] != UInt8(ascii: "Z") {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milliseconds
    }

    private struct Clock {
        let hours: String
        let minutes: String
        let seconds: String
        let milliseconds: Int64
    }

    private static func civil(_ milliseconds: Int64) -> (String, Clock) {
        let days = floorDivide(milliseconds, 86_400_000)
        let inDay = milliseconds - days * 86_400_000
        let (year, month, day) = civilFromDays(days)
        let seconds = inDay / 1000
        let clock = Clock(
            hours: pad(seconds / 3600, 2), minutes: pad(seconds / 60 % 60, 2), seconds: pad(seconds % 60, 2),
            milliseconds: inDay % 1000)
        return ("\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))", clock)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }

    // Howard Hinnant's days_from_civil and civil_from_days (proleptic Gregorian calendar).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
