#ifndef SWTOP_CNCURSES_SHIM_H
#define SWTOP_CNCURSES_SHIM_H

/* Wide-character curses: cchar_t, get_wch, add_wch. Must precede the curses header. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <wchar.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

/*
 * Swift cannot import function-like macros, and C globals are shared mutable state that Swift 6
 * rejects; these wrappers are the only way the backend touches either.
 */

static inline WINDOW *swtop_stdscr(void) { return stdscr; }
static inline WINDOW *swtop_curscr(void) { return curscr; }
static inline int swtop_cols(void) { return COLS; }
static inline int swtop_lines(void) { return LINES; }
static inline int swtop_colors(void) { return COLORS; }
static inline int swtop_color_pairs(void) { return COLOR_PAIRS; }
static inline void swtop_getmaxyx(WINDOW *win, int *y, int *x) {
    int yy, xx;
    getmaxyx(win, yy, xx);
    *y = yy;
    *x = xx;
}

/* newterm instead of initscr: initscr exits the process when the terminal is unusable. */
static inline SCREEN *swtop_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline char *swtop_setlocale_all(const char *locale) { return setlocale(LC_ALL, locale); }

/* wcwidth is only declared under _XOPEN_SOURCE, which the Glibc module may have been built without. */
extern int wcwidth(wchar_t c);
static inline int swtop_wcwidth(wchar_t c) { return wcwidth(c); }
static inline int swtop_codeset_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

static inline int swtop_err(void) { return ERR; }
static inline int swtop_ok(void) { return OK; }

static inline attr_t swtop_a_normal(void) { return A_NORMAL; }
static inline attr_t swtop_a_bold(void) { return A_BOLD; }
static inline attr_t swtop_a_underline(void) { return A_UNDERLINE; }
static inline attr_t swtop_a_reverse(void) { return A_REVERSE; }
static inline attr_t swtop_a_dim(void) { return A_DIM; }
static inline attr_t swtop_a_standout(void) { return A_STANDOUT; }
static inline attr_t swtop_color_pair(int pair) { return (attr_t)COLOR_PAIR(pair); }

static inline int swtop_key_code_yes(void) { return KEY_CODE_YES; }
static inline int swtop_key_f(int n) { return KEY_F(n); }
static inline int swtop_key_f0(void) { return KEY_F0; }
static inline int swtop_key_up(void) { return KEY_UP; }
static inline int swtop_key_down(void) { return KEY_DOWN; }
static inline int swtop_key_left(void) { return KEY_LEFT; }
static inline int swtop_key_right(void) { return KEY_RIGHT; }
static inline int swtop_key_ppage(void) { return KEY_PPAGE; }
static inline int swtop_key_npage(void) { return KEY_NPAGE; }
static inline int swtop_key_home(void) { return KEY_HOME; }
static inline int swtop_key_end(void) { return KEY_END; }
static inline int swtop_key_enter(void) { return KEY_ENTER; }
static inline int swtop_key_backspace(void) { return KEY_BACKSPACE; }
static inline int swtop_key_dc(void) { return KEY_DC; }
static inline int swtop_key_ic(void) { return KEY_IC; }
static inline int swtop_key_btab(void) { return KEY_BTAB; }
static inline int swtop_key_resize(void) { return KEY_RESIZE; }
static inline int swtop_key_mouse(void) { return KEY_MOUSE; }

static inline mmask_t swtop_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t swtop_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t swtop_button2_pressed(void) { return BUTTON2_PRESSED; }
static inline mmask_t swtop_button3_pressed(void) { return BUTTON3_PRESSED; }
static inline mmask_t swtop_button4_pressed(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t swtop_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t swtop_button5_pressed(void) { return 0; }
#endif

/* The next mouse event's position and button state; ERR when there is none. */
static inline int swtop_getmouse(int *x, int *y, mmask_t *bstate) {
    MEVENT event;
    if (getmouse(&event) != OK) return ERR;
    *x = event.x;
    *y = event.y;
    *bstate = event.bstate;
    return OK;
}

/*
 * Writes one cell: a spacing character followed by up to CCHARW_MAX - 1 combining characters,
 * `count` wide characters in all. curses decides the cell's width from the spacing character.
 */
static inline int swtop_put_cell(WINDOW *win, int y, int x, const wchar_t *chars, int count,
                                 attr_t attrs, short pair) {
    wchar_t text[CCHARW_MAX + 1];
    int n = count < CCHARW_MAX ? count : CCHARW_MAX;
    for (int i = 0; i < n; i++) text[i] = chars[i];
    text[n] = L'\0';
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) != OK) {
        /* A cluster curses will not combine: keep the spacing character alone rather than leave a stale cell. */
        text[1] = L'\0';
        if (n < 2 || setcchar(&cell, text, attrs, pair, NULL) != OK) return ERR;
    }
    return mvwadd_wch(win, y, x, &cell);
}

#endif
