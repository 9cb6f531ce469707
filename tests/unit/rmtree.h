/* tests/unit/rmtree.h - remove a test fixture's temporary directory and
 * everything in it (made writable first: some tests chmod it shut). */
#ifndef SOCTOP_TEST_RMTREE_H
#define SOCTOP_TEST_RMTREE_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static int rmtree_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline int rmtree(const char *dir)
{
	chmod(dir, 0700);
	return nftw(dir, rmtree_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
