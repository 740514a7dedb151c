package io.nglive.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/** The few JDBC shapes the journal needs, so that each SQL statement reads on one line where it is used. */
public final class JournalAccess {

    /** Work inside one transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private JournalAccess() {
    }

    public static <T> T transaction(DataSource dataSource, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new JournalException(e);
        }
    }

    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, args)) {
            return s.executeUpdate();
        }
    }

    /** Rows as maps keyed by the lower-case column label, in select order. */
    public static List<Map<String, Object>> query(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, args); ResultSet rs = s.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    if (value instanceof java.sql.Clob clob) {
                        value = clob.getSubString(1, (int) clob.length());
                    }
                    row.put(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), value);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The next value of {@code sequence}: HSQLDB (the embedded journal) and PostgreSQL share no statement for it. */
    public static long nextValue(Connection c, String sequence) throws SQLException {
        String sql = postgres(c) ? "SELECT nextval('" + sequence + "')" : "CALL NEXT VALUE FOR " + sequence;
        try (PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Whether {@code c} is PostgreSQL's (else the embedded HSQLDB). */
    public static boolean postgres(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
        return s;
    }
}
