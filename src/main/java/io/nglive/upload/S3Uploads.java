package io.nglive.upload;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.nglive.journal.JournalAccess;

/**
 * The journal of an s3 target's unfinished multipart uploads ({@code s3_upload}, {@code s3_part}): which upload id
 * holds a file's parts, so that an attempt after a crash or a restart goes on with it instead of starting over.
 */
final class S3Uploads {

    /** An upload begun for {@code size} bytes in parts of {@code partSize}. */
    record Upload(String uploadId, long size, long partSize) {
    }

    private final DataSource dataSource;
    private final String target;
    private final String bucket;

    S3Uploads(DataSource dataSource, String target, String bucket) {
        this.dataSource = dataSource;
        this.target = target;
        this.bucket = bucket;
    }

    /** The newest upload begun for this object with this size, if one is unfinished. */
    Optional<Upload> find(String key, long size) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT upload_id, size, part_size "
                + "FROM s3_upload WHERE target = ? AND bucket = ? AND object_key = ? AND size = ? ORDER BY created DESC",
                target, bucket, key, size).stream().findFirst().map(S3Uploads::upload));
    }

    void begun(String key, String file, Upload upload) {
        JournalAccess.transaction(dataSource, c -> JournalAccess.update(c, "INSERT INTO s3_upload (upload_id, target, "
                + "bucket, object_key, file, size, part_size, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                upload.uploadId(), target, bucket, key, file, upload.size(), upload.partSize(),
                Instant.now().toString()));
    }

    /** Part {@code part} arrived: kept for the record, since the server's list of parts is what a resume trusts. */
    void partSent(String uploadId, int part, String etag, long size) {
        JournalAccess.transaction(dataSource, c -> JournalAccess.update(c, "MERGE INTO s3_part USING (VALUES (?, ?, ?, "
                + "?)) AS v (upload_id, part, etag, size) ON s3_part.upload_id = v.upload_id AND s3_part.part = v.part "
                + "WHEN MATCHED THEN UPDATE SET etag = v.etag, size = v.size "
                + "WHEN NOT MATCHED THEN INSERT VALUES (v.upload_id, v.part, v.etag, v.size)",
                uploadId, part, etag, size));
    }

    /** The upload is complete, aborted, or forgotten by the server. */
    void forget(String uploadId) {
        JournalAccess.transaction(dataSource, c -> {
            JournalAccess.update(c, "DELETE FROM s3_part WHERE upload_id = ?", uploadId);
            return JournalAccess.update(c, "DELETE FROM s3_upload WHERE upload_id = ?", uploadId);
        });
    }

    /** Every unfinished upload of this object: it is on the server whole now. */
    void forgetObject(String key) {
        JournalAccess.transaction(dataSource, c -> {
            JournalAccess.update(c, "DELETE FROM s3_part WHERE upload_id IN (SELECT upload_id FROM s3_upload "
                    + "WHERE target = ? AND bucket = ? AND object_key = ?)", target, bucket, key);
            return JournalAccess.update(c, "DELETE FROM s3_upload WHERE target = ? AND bucket = ? AND object_key = ?",
                    target, bucket, key);
        });
    }

    private static Upload upload(Map<String, Object> row) {
        return new Upload((String) row.get("upload_id"), ((Number) row.get("size")).longValue(),
                ((Number) row.get("part_size")).longValue());
    }
}
