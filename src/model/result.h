/* result.h: what a model action came to, for actions whose caller needs no more detail than
 * this (others, such as user_sign_in or comment_submit, have their own enum). */
#ifndef GAZETTE_MODEL_RESULT_H
#define GAZETTE_MODEL_RESULT_H

enum model_result {
    MODEL_OK = 0,
    MODEL_NOT_FOUND,   /* what the action names does not exist */
    MODEL_NOT_ALLOWED, /* the user's role does not allow it */
    MODEL_STORE_ERROR, /* the store failed and nothing was changed; message in store_error() */
};

#endif
