/**
 * Not API. The text forms the library and the {@code msrsafe} command share: hexadecimal
 * numbers as messages and listings spell them ({@link Hex}), and the JSON writer of the
 * lint reports and of the command's {@code --json} ({@link JsonWriter}). Exported only to
 * the command's module.
 */
package io.github.msrsafe.internal.text;
