//go:build amd64 && !purego

#include "textflag.h"

// Eight ChaCha20 blocks at once: Y register i holds state word i of all
// eight blocks (one 32-bit lane per block, counters n..n+7). Sixteen words
// plus one scratch register need seventeen registers, so one word lives in
// a stack slot at any time: words 13 and 15 share Y13/Y15 with the scratch
// register, swapping through SPILL between the two halves of each round,
// while each half only touches the other eight words.
//
// Frame layout (hardware SP):
//   0..511    input state, one broadcast word per 32 bytes (word 12 holds
//             the eight counters)
//   512..543  SPILL
//   544..799  words 8..15 after the final addition, awaiting transposition

// VPSHUFB masks rotating every 32-bit lane left by 16 and by 8 bits.
DATA rol16<>+0(SB)/8, $0x0504070601000302
DATA rol16<>+8(SB)/8, $0x0D0C0F0E09080B0A
DATA rol16<>+16(SB)/8, $0x0504070601000302
DATA rol16<>+24(SB)/8, $0x0D0C0F0E09080B0A
GLOBL rol16<>(SB), (NOPTR+RODATA), $32

DATA rol8<>+0(SB)/8, $0x0605040702010003
DATA rol8<>+8(SB)/8, $0x0E0D0C0F0A09080B
DATA rol8<>+16(SB)/8, $0x0605040702010003
DATA rol8<>+24(SB)/8, $0x0E0D0C0F0A09080B
GLOBL rol8<>(SB), (NOPTR+RODATA), $32

// Per-lane counter offsets 0..7, and the step of 8 between iterations.
DATA lanes<>+0(SB)/8, $0x0000000100000000
DATA lanes<>+8(SB)/8, $0x0000000300000002
DATA lanes<>+16(SB)/8, $0x0000000500000004
DATA lanes<>+24(SB)/8, $0x0000000700000006
GLOBL lanes<>(SB), (NOPTR+RODATA), $32

DATA eight<>+0(SB)/8, $0x0000000800000008
DATA eight<>+8(SB)/8, $0x0000000800000008
DATA eight<>+16(SB)/8, $0x0000000800000008
DATA eight<>+24(SB)/8, $0x0000000800000008
GLOBL eight<>(SB), (NOPTR+RODATA), $32

#define SPILL 512(SP)

// ROTL rotates every lane of r left by n bits (m = 32-n), using t.
#define ROTL(n, m, r, t) \
	VPSLLD $n, r, t; \
	VPSRLD $m, r, r; \
	VPOR   t, r, r

// QR2 runs two independent quarter rounds (a1,b1,c1,d1) and (a2,b2,c2,d2)
// interleaved, with t as scratch.
#define QR2(a1, b1, c1, d1, a2, b2, c2, d2, t) \
	VPADDD  b1, a1, a1; \
	VPADDD  b2, a2, a2; \
	VPXOR   a1, d1, d1; \
	VPXOR   a2, d2, d2; \
	VPSHUFB rol16<>(SB), d1, d1; \
	VPSHUFB rol16<>(SB), d2, d2; \
	VPADDD  d1, c1, c1; \
	VPADDD  d2, c2, c2; \
	VPXOR   c1, b1, b1; \
	VPXOR   c2, b2, b2; \
	ROTL(12, 20, b1, t); \
	ROTL(12, 20, b2, t); \
	VPADDD  b1, a1, a1; \
	VPADDD  b2, a2, a2; \
	VPXOR   a1, d1, d1; \
	VPXOR   a2, d2, d2; \
	VPSHUFB rol8<>(SB), d1, d1; \
	VPSHUFB rol8<>(SB), d2, d2; \
	VPADDD  d1, c1, c1; \
	VPADDD  d2, c2, c2; \
	VPXOR   c1, b1, b1; \
	VPXOR   c2, b2, b2; \
	ROTL(7, 25, b1, t); \
	ROTL(7, 25, b2, t)

// TRANSPOSE turns Y0..Y7, word w of blocks 0..7 in register w, into one
// register per block holding its eight words: block j ends up in Y(8+j).
#define TRANSPOSE \
	VPUNPCKLDQ  Y1, Y0, Y8; \
	VPUNPCKHDQ  Y1, Y0, Y9; \
	VPUNPCKLDQ  Y3, Y2, Y10; \
	VPUNPCKHDQ  Y3, Y2, Y11; \
	VPUNPCKLDQ  Y5, Y4, Y12; \
	VPUNPCKHDQ  Y5, Y4, Y13; \
	VPUNPCKLDQ  Y7, Y6, Y14; \
	VPUNPCKHDQ  Y7, Y6, Y15; \
	VPUNPCKLQDQ Y10, Y8, Y0; \
	VPUNPCKHQDQ Y10, Y8, Y1; \
	VPUNPCKLQDQ Y11, Y9, Y2; \
	VPUNPCKHQDQ Y11, Y9, Y3; \
	VPUNPCKLQDQ Y14, Y12, Y4; \
	VPUNPCKHQDQ Y14, Y12, Y5; \
	VPUNPCKLQDQ Y15, Y13, Y6; \
	VPUNPCKHQDQ Y15, Y13, Y7; \
	VPERM2I128  $0x20, Y4, Y0, Y8; \
	VPERM2I128  $0x20, Y5, Y1, Y9; \
	VPERM2I128  $0x20, Y6, Y2, Y10; \
	VPERM2I128  $0x20, Y7, Y3, Y11; \
	VPERM2I128  $0x31, Y4, Y0, Y12; \
	VPERM2I128  $0x31, Y5, Y1, Y13; \
	VPERM2I128  $0x31, Y6, Y2, Y14; \
	VPERM2I128  $0x31, Y7, Y3, Y15

// XORSTORE XORs Y8..Y15 (blocks 0..7) with src and stores them to dst, at
// byte off within each 64-byte block.
#define XORSTORE(off) \
	VPXOR   (0+off)(SI), Y8, Y8; \
	VMOVDQU Y8, (0+off)(DI); \
	VPXOR   (64+off)(SI), Y9, Y9; \
	VMOVDQU Y9, (64+off)(DI); \
	VPXOR   (128+off)(SI), Y10, Y10; \
	VMOVDQU Y10, (128+off)(DI); \
	VPXOR   (192+off)(SI), Y11, Y11; \
	VMOVDQU Y11, (192+off)(DI); \
	VPXOR   (256+off)(SI), Y12, Y12; \
	VMOVDQU Y12, (256+off)(DI); \
	VPXOR   (320+off)(SI), Y13, Y13; \
	VMOVDQU Y13, (320+off)(DI); \
	VPXOR   (384+off)(SI), Y14, Y14; \
	VMOVDQU Y14, (384+off)(DI); \
	VPXOR   (448+off)(SI), Y15, Y15; \
	VMOVDQU Y15, (448+off)(DI)

// func xorBlocksAVX2(st *[16]uint32, dst, src *byte, n int)
TEXT ·xorBlocksAVX2(SB), 0, $800-32
	MOVQ st+0(FP), AX
	MOVQ dst+8(FP), DI
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	TESTQ CX, CX
	JZ   done

	VPBROADCASTD 0(AX), Y0
	VMOVDQU Y0, 0(SP)
	VPBROADCASTD 4(AX), Y0
	VMOVDQU Y0, 32(SP)
	VPBROADCASTD 8(AX), Y0
	VMOVDQU Y0, 64(SP)
	VPBROADCASTD 12(AX), Y0
	VMOVDQU Y0, 96(SP)
	VPBROADCASTD 16(AX), Y0
	VMOVDQU Y0, 128(SP)
	VPBROADCASTD 20(AX), Y0
	VMOVDQU Y0, 160(SP)
	VPBROADCASTD 24(AX), Y0
	VMOVDQU Y0, 192(SP)
	VPBROADCASTD 28(AX), Y0
	VMOVDQU Y0, 224(SP)
	VPBROADCASTD 32(AX), Y0
	VMOVDQU Y0, 256(SP)
	VPBROADCASTD 36(AX), Y0
	VMOVDQU Y0, 288(SP)
	VPBROADCASTD 40(AX), Y0
	VMOVDQU Y0, 320(SP)
	VPBROADCASTD 44(AX), Y0
	VMOVDQU Y0, 352(SP)
	VPBROADCASTD 48(AX), Y0
	VPADDD lanes<>(SB), Y0, Y0
	VMOVDQU Y0, 384(SP)
	VPBROADCASTD 52(AX), Y0
	VMOVDQU Y0, 416(SP)
	VPBROADCASTD 56(AX), Y0
	VMOVDQU Y0, 448(SP)
	VPBROADCASTD 60(AX), Y0
	VMOVDQU Y0, 480(SP)

loop:
	VMOVDQU 0(SP), Y0
	VMOVDQU 32(SP), Y1
	VMOVDQU 64(SP), Y2
	VMOVDQU 96(SP), Y3
	VMOVDQU 128(SP), Y4
	VMOVDQU 160(SP), Y5
	VMOVDQU 192(SP), Y6
	VMOVDQU 224(SP), Y7
	VMOVDQU 256(SP), Y8
	VMOVDQU 288(SP), Y9
	VMOVDQU 320(SP), Y10
	VMOVDQU 352(SP), Y11
	VMOVDQU 384(SP), Y12
	VMOVDQU 416(SP), Y13
	VMOVDQU 448(SP), Y14
	VMOVDQU 480(SP), Y15
	VMOVDQU Y15, SPILL
	MOVQ $10, DX

rounds:
	// Columns (0,4,8,12) and (1,5,9,13): Y13 = word 13, word 15 spilled.
	QR2(Y0, Y4, Y8, Y12, Y1, Y5, Y9, Y13, Y15)
	VMOVDQU SPILL, Y15
	VMOVDQU Y13, SPILL
	// Columns (2,6,10,14) and (3,7,11,15): Y15 = word 15, word 13 spilled.
	QR2(Y2, Y6, Y10, Y14, Y3, Y7, Y11, Y15, Y13)
	// Diagonals (0,5,10,15) and (1,6,11,12).
	QR2(Y0, Y5, Y10, Y15, Y1, Y6, Y11, Y12, Y13)
	VMOVDQU SPILL, Y13
	VMOVDQU Y15, SPILL
	// Diagonals (2,7,8,13) and (3,4,9,14): Y13 = word 13 again.
	QR2(Y2, Y7, Y8, Y13, Y3, Y4, Y9, Y14, Y15)
	DECQ DX
	JNZ  rounds

	VPADDD 0(SP), Y0, Y0
	VPADDD 32(SP), Y1, Y1
	VPADDD 64(SP), Y2, Y2
	VPADDD 96(SP), Y3, Y3
	VPADDD 128(SP), Y4, Y4
	VPADDD 160(SP), Y5, Y5
	VPADDD 192(SP), Y6, Y6
	VPADDD 224(SP), Y7, Y7
	VPADDD 256(SP), Y8, Y8
	VPADDD 288(SP), Y9, Y9
	VPADDD 320(SP), Y10, Y10
	VPADDD 352(SP), Y11, Y11
	VPADDD 384(SP), Y12, Y12
	VPADDD 416(SP), Y13, Y13
	VPADDD 448(SP), Y14, Y14
	VMOVDQU SPILL, Y15
	VPADDD 480(SP), Y15, Y15
	VMOVDQU Y8, 544(SP)
	VMOVDQU Y9, 576(SP)
	VMOVDQU Y10, 608(SP)
	VMOVDQU Y11, 640(SP)
	VMOVDQU Y12, 672(SP)
	VMOVDQU Y13, 704(SP)
	VMOVDQU Y14, 736(SP)
	VMOVDQU Y15, 768(SP)
	TRANSPOSE
	XORSTORE(0)
	VMOVDQU 544(SP), Y0
	VMOVDQU 576(SP), Y1
	VMOVDQU 608(SP), Y2
	VMOVDQU 640(SP), Y3
	VMOVDQU 672(SP), Y4
	VMOVDQU 704(SP), Y5
	VMOVDQU 736(SP), Y6
	VMOVDQU 768(SP), Y7
	TRANSPOSE
	XORSTORE(32)

	VMOVDQU 384(SP), Y0
	VPADDD  eight<>(SB), Y0, Y0
	VMOVDQU Y0, 384(SP)
	ADDQ $512, SI
	ADDQ $512, DI
	SUBQ $512, CX
	JA   loop

done:
	VZEROUPPER
	RET
