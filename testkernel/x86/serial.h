/* serial.h: COM1 console. */
#ifndef KT_SERIAL_H
#define KT_SERIAL_H

#include <stdbool.h>

bool	serial_init(void);
bool	serial_present(void);

#endif /* KT_SERIAL_H */
