package io.director.memory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One search result: the item ({@code type} event, memory or decision), its fused score and why it
 * matched — its rank and score in the full-text list and in the vector list (null where it was not
 * in that list).
 */
public record SearchHit(
    UUID id, String type, String kind, String namespace, String text, List<String> tags, Instant created_at, double score,
    Integer text_rank, Double text_score, Integer vector_rank, Double vector_similarity) {}
