package io.nglive.journal;

import java.sql.SQLException;

/** The database failed; nglive cannot record what it was asked to, so the caller must not acknowledge it. */
public class JournalException extends RuntimeException {

    public JournalException(SQLException cause) {
        super("database error: " + cause.getMessage(), cause);
    }
}
