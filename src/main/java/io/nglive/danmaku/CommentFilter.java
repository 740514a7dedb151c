package io.nglive.danmaku;

import io.nglive.danmaku.AssOptions.Block;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The comments a user chose not to see: by kind, colour, user, keyword, and texts repeated within the scroll time. */
final class CommentFilter {

    /** Texts remembered for {@link Block#REPEATED}: enough for any real window, and memory stays bounded. */
    private static final int RECENT_MAX = 10_000;

    private final Set<Block> blocked;
    private final List<String> keywords;
    private final Set<String> users;
    private final long window;
    private final Map<String, Long> recent = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > RECENT_MAX;
        }
    };

    CommentFilter(AssOptions options) {
        blocked = options.blocked();
        keywords = options.blockedKeywords().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        users = Set.copyOf(options.blockedUsers());
        window = Layout.centiseconds(options.scrollSeconds());
    }

    /** Why the comment is blocked, or null when it is not. */
    Dropped blocked(Comment comment, Layout.Kind kind) {
        if (blocked.contains(switch (kind) {
            case SCROLL -> Block.SCROLL;
            case TOP -> Block.TOP;
            case BOTTOM -> Block.BOTTOM;
        }) || comment.color() != 0xFFFFFF && blocked.contains(Block.COLOURED)) {
            return Dropped.BLOCKED_KIND;
        }
        if (users.contains(comment.user()) || users.contains(comment.uid())) {
            return Dropped.BLOCKED_USER;
        }
        if (!keywords.isEmpty()) {
            String text = comment.text().toLowerCase(Locale.ROOT);
            for (String keyword : keywords) {
                if (text.contains(keyword)) {
                    return Dropped.BLOCKED_KEYWORD;
                }
            }
        }
        return null;
    }

    /** Whether repeats are blocked and {@code text} was shown less than the scroll time before {@code start}. */
    boolean repeated(String text, long start) {
        if (!blocked.contains(Block.REPEATED)) {
            return false;
        }
        for (Iterator<Long> shown = recent.values().iterator(); shown.hasNext(); ) {
            if (shown.next() > start - window) {
                break;
            }
            shown.remove();
        }
        Long last = recent.get(text);
        return last != null && last > start - window;
    }

    void shown(String text, long start) {
        if (blocked.contains(Block.REPEATED)) {
            recent.remove(text);
            recent.put(text, start);
        }
    }
}
