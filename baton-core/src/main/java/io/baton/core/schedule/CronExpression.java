package io.baton.core.schedule;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cron expression over local date and time, without a time zone: which local seconds match.
 *
 * <p>Six fields (second, minute, hour, day of month, month, day of week) or the classic five (the second
 * is then 0). Each field takes {@code *}, {@code ?}, numbers, ranges {@code a-b}, steps such as {@code 0/15} or
 * {@code 10-50/20}, and lists separated by commas; months and days of the week also take three-letter
 * English names, and day of week 0 and 7 both mean Sunday. When both the day of month and the day of
 * week are restricted, a day matches if either matches (as in Vixie cron). The macros {@code @yearly},
 * {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight} and {@code @hourly} are accepted.
 *
 * <p>The mapping of local times onto instants, with its daylight-saving rules, is {@link CronSchedule}'s.
 * Written by hand because that mapping is Baton's own policy, and it needs only this small matcher.
 */
public final class CronExpression {

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 0 1 1 *",
            "@annually", "0 0 0 1 1 *",
            "@monthly", "0 0 0 1 * *",
            "@weekly", "0 0 0 * * 0",
            "@daily", "0 0 0 * * *",
            "@midnight", "0 0 0 * * *",
            "@hourly", "0 0 * * * *");

    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    /** Years searched for a match before an expression counts as never matching (covers 29 February). */
    private static final int SEARCH_YEARS = 8;

    private final String text;
    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    /** Indexed by {@link DayOfWeek#getValue()}: 1 is Monday, 7 is Sunday. */
    private final BitSet daysOfWeek;
    private final boolean domRestricted;
    private final boolean dowRestricted;

    private CronExpression(String text, BitSet seconds, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months,
            BitSet daysOfWeek, boolean domRestricted, boolean dowRestricted) {
        this.text = text;
        this.seconds = seconds;
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.domRestricted = domRestricted;
        this.dowRestricted = dowRestricted;
    }

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException naming the field and value at fault, for example "hour 25 is outside 0-23"
     */
    public static CronExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the expression is empty");
        }
        String trimmed = text.trim();
        String expanded = trimmed.startsWith("@") ? MACROS.get(trimmed.toLowerCase(Locale.ROOT)) : trimmed;
        if (expanded == null) {
            throw new IllegalArgumentException("unknown macro " + trimmed + "; known: @yearly, @monthly, @weekly, @daily, @hourly");
        }
        String[] parts = expanded.split("\\s+");
        if (parts.length == 5) {
            parts = new String[] {"0", parts[0], parts[1], parts[2], parts[3], parts[4]};
        } else if (parts.length != 6) {
            throw new IllegalArgumentException("it has " + parts.length + (parts.length == 1 ? " field" : " fields")
                    + "; expected 6 (second minute hour day-of-month month day-of-week) or 5 (without the second)");
        }

        BitSet sec = field("second", parts[0], 0, 59, null);
        BitSet min = field("minute", parts[1], 0, 59, null);
        BitSet hour = field("hour", parts[2], 0, 23, null);
        BitSet dom = field("day of month", parts[3], 1, 31, null);
        BitSet mon = field("month", parts[4], 1, 12, MONTHS);
        BitSet cronDow = field("day of week", parts[5], 0, 7, DAYS);

        BitSet dow = new BitSet(8);
        for (int d = cronDow.nextSetBit(0); d >= 0; d = cronDow.nextSetBit(d + 1)) {
            dow.set(d == 0 ? 7 : d);
        }
        CronExpression cron = new CronExpression(trimmed, sec, min, hour, dom, mon, dow,
                !isWildcard(parts[3]), !isWildcard(parts[5]));
        if (cron.nextLocal(LocalDateTime.of(2000, 1, 1, 0, 0)) == null) {
            throw new IllegalArgumentException("it never matches a date (day of month " + parts[3] + " in month " + parts[4] + ")");
        }
        return cron;
    }

    private static boolean isWildcard(String part) {
        return part.equals("*") || part.equals("?");
    }

    private static BitSet field(String name, String part, int min, int max, List<String> names) {
        BitSet bits = new BitSet(max + 1);
        for (String item : part.split(",", -1)) {
            addItem(bits, name, item, min, max, names);
        }
        return bits;
    }

    private static void addItem(BitSet bits, String name, String item, int min, int max, List<String> names) {
        if (item.isEmpty()) {
            throw new IllegalArgumentException(name + " has an empty list element in '" + item + "'");
        }
        int step = 1;
        String range = item;
        int slash = item.indexOf('/');
        if (slash >= 0) {
            range = item.substring(0, slash);
            step = number(name + " step", item.substring(slash + 1), 1, max, null);
        }

        int from;
        int to;
        if (range.equals("*") || range.equals("?")) {
            from = min;
            to = max;
        } else if (range.indexOf('-') > 0) {
            int dash = range.indexOf('-');
            from = number(name, range.substring(0, dash), min, max, names);
            to = number(name, range.substring(dash + 1), min, max, names);
            if (to < from) {
                throw new IllegalArgumentException(name + " range " + range + " runs backwards; write it as " + to + "-" + from);
            }
        } else {
            from = number(name, range, min, max, names);
            // "5/15" means from 5 to the end in steps of 15.
            to = slash >= 0 ? max : from;
        }
        for (int v = from; v <= to; v += step) {
            bits.set(v);
        }
    }

    private static int number(String name, String token, int min, int max, List<String> names) {
        if (names != null) {
            int index = names.indexOf(token.toUpperCase(Locale.ROOT));
            if (index >= 0) {
                // Month names count from 1, day names from 0 (Sunday).
                return names.size() == 12 ? index + 1 : index;
            }
        }
        int value;
        try {
            value = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + token + "' is not a number" + (names == null ? "" : " or a name such as " + names.get(1)));
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " is outside " + min + "-" + max);
        }
        return value;
    }

    /** Returns whether the hour field matches all 24 hours, so that the expression fires within any hour of the day. */
    public boolean everyHour() {
        return hours.cardinality() == 24;
    }

    /** Returns whether a local date-time (to the second) matches. */
    public boolean matches(LocalDateTime t) {
        return t.getNano() == 0 && dayMatches(t.toLocalDate()) && hours.get(t.getHour()) && minutes.get(t.getMinute())
                && seconds.get(t.getSecond());
    }

    /** Returns the first matching local date-time at or after {@code from} (rounded up to the second), or null within the search window. */
    public LocalDateTime nextLocal(LocalDateTime from) {
        LocalDateTime start = from.getNano() == 0 ? from : from.withNano(0).plusSeconds(1);
        LocalDate date = start.toLocalDate();
        LocalDate last = date.plusYears(SEARCH_YEARS);
        LocalTime lowest = start.toLocalTime();

        for (; !date.isAfter(last); date = date.plusDays(1), lowest = LocalTime.MIDNIGHT) {
            if (!dayMatches(date)) {
                continue;
            }
            LocalTime time = firstTimeFrom(lowest);
            if (time != null) {
                return date.atTime(time);
            }
        }
        return null;
    }

    private LocalTime firstTimeFrom(LocalTime lowest) {
        for (int h = hours.nextSetBit(lowest.getHour()); h >= 0; h = hours.nextSetBit(h + 1)) {
            int minuteFloor = h == lowest.getHour() ? lowest.getMinute() : 0;
            for (int m = minutes.nextSetBit(minuteFloor); m >= 0; m = minutes.nextSetBit(m + 1)) {
                int secondFloor = h == lowest.getHour() && m == lowest.getMinute() ? lowest.getSecond() : 0;
                int s = seconds.nextSetBit(secondFloor);
                if (s >= 0) {
                    return LocalTime.of(h, m, s);
                }
            }
        }
        return null;
    }

    private boolean dayMatches(LocalDate date) {
        if (!months.get(date.getMonthValue())) {
            return false;
        }
        boolean dom = daysOfMonth.get(date.getDayOfMonth());
        boolean dow = daysOfWeek.get(date.getDayOfWeek().getValue());
        if (domRestricted && dowRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    @Override
    public String toString() {
        return text;
    }
}
