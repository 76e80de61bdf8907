//go:build amd64 && !purego

#include "textflag.h"

// Poly1305 over many blocks at once. Vector register Hi holds limb i of
// every lane's accumulator, one 64-bit lane per accumulator; VPMULUDQ
// multiplies the low 32 bits of each lane, which is where the 26-bit limbs
// (and five times them) live. A step adds the next w message blocks, one per
// lane, then multiplies every lane by r^w; the last step multiplies each
// lane by its own remaining power instead, and the lanes are summed.
//
// Loading: two loads A (blocks 0..w/2-1) and B (blocks w/2..w-1) are
// interleaved per 128-bit lane with VPUNPCKLQDQ/VPUNPCKHQDQ into the low
// and high halves of each block, so a lane holds block 0, w/2, 1, w/2+1, ...
// of its step; the Go side orders the final powers the same way.
//
// vecKey rows are 64 bytes apart: R0..R4 at 0..256, S1..S4 (5*R1..5*R4) at
// 320..512; the final powers follow at 576.

DATA mask26<>+0(SB)/8, $0x3ffffff
GLOBL mask26<>(SB), (NOPTR+RODATA), $8

DATA bit24<>+0(SB)/8, $0x1000000
GLOBL bit24<>(SB), (NOPTR+RODATA), $8

// ABSORB adds the block halves lo, hi (64-bit lanes) to h0..h4 as limbs,
// with the 2^128 bit; t is scratch.
#define ABSORB(AND, OR, lo, hi, t, m, b24, h0, h1, h2, h3, h4) \
	AND m, lo, t; \
	VPADDQ t, h0, h0; \
	VPSRLQ $26, lo, t; \
	AND m, t, t; \
	VPADDQ t, h1, h1; \
	VPSRLQ $52, lo, t; \
	VPSLLQ $12, hi, lo; \
	OR lo, t, t; \
	AND m, t, t; \
	VPADDQ t, h2, h2; \
	VPSRLQ $14, hi, t; \
	AND m, t, t; \
	VPADDQ t, h3, h3; \
	VPSRLQ $40, hi, t; \
	OR b24, t, t; \
	VPADDQ t, h4, h4

// MULADD5 adds h times (a0..a4) to d0..d4.
#define MULADD5(h, a0, a1, a2, a3, a4, d0, d1, d2, d3, d4, t) \
	VPMULUDQ a0, h, t; \
	VPADDQ t, d0, d0; \
	VPMULUDQ a1, h, t; \
	VPADDQ t, d1, d1; \
	VPMULUDQ a2, h, t; \
	VPADDQ t, d2, d2; \
	VPMULUDQ a3, h, t; \
	VPADDQ t, d3, d3; \
	VPMULUDQ a4, h, t; \
	VPADDQ t, d4, d4

// MULCARRY sets h0..h4 to h times r (limbs r0..r4, s1..s4 = 5*r1..5*r4),
// partly carried; d0..d4 and t, u are scratch.
#define MULCARRY(AND, h0, h1, h2, h3, h4, r0, r1, r2, r3, r4, s1, s2, s3, s4, d0, d1, d2, d3, d4, t, u, m) \
	VPMULUDQ r0, h0, d0; \
	VPMULUDQ r1, h0, d1; \
	VPMULUDQ r2, h0, d2; \
	VPMULUDQ r3, h0, d3; \
	VPMULUDQ r4, h0, d4; \
	MULADD5(h1, s4, r0, r1, r2, r3, d0, d1, d2, d3, d4, t); \
	MULADD5(h2, s3, s4, r0, r1, r2, d0, d1, d2, d3, d4, t); \
	MULADD5(h3, s2, s3, s4, r0, r1, d0, d1, d2, d3, d4, t); \
	MULADD5(h4, s1, s2, s3, s4, r0, d0, d1, d2, d3, d4, t); \
	VPSRLQ $26, d0, t; \
	AND m, d0, h0; \
	VPADDQ t, d1, d1; \
	VPSRLQ $26, d1, t; \
	AND m, d1, h1; \
	VPADDQ t, d2, d2; \
	VPSRLQ $26, d2, t; \
	AND m, d2, h2; \
	VPADDQ t, d3, d3; \
	VPSRLQ $26, d3, t; \
	AND m, d3, h3; \
	VPADDQ t, d4, d4; \
	VPSRLQ $26, d4, t; \
	AND m, d4, h4; \
	VPSLLQ $2, t, u; \
	VPADDQ u, t, t; \
	VPADDQ t, h0, h0; \
	VPSRLQ $26, h0, t; \
	AND m, h0, h0; \
	VPADDQ t, h1, h1

// HSUM4 adds the four lanes of Y register y (X register x) into x's low
// lane, using X register tx as scratch.
#define HSUM4(y, x, ty, tx) \
	VEXTRACTI128 $1, y, tx; \
	VPADDQ tx, x, x; \
	VPSHUFD $0x4e, x, tx; \
	VPADDQ tx, x, x

// func blocksAVX512(h *limbs, k *vecKey, msg *byte, n int)
TEXT ·blocksAVX512(SB), NOSPLIT, $0-32
	MOVQ h+0(FP), DI
	MOVQ k+8(FP), DX
	MOVQ msg+16(FP), SI
	MOVQ n+24(FP), CX

	VPBROADCASTQ mask26<>(SB), Z19
	VPBROADCASTQ bit24<>(SB), Z20
	VMOVQ 0(DI), X0
	VMOVQ 8(DI), X1
	VMOVQ 16(DI), X2
	VMOVQ 24(DI), X3
	VMOVQ 32(DI), X4
	VMOVDQU64 0(DX), Z10
	VMOVDQU64 64(DX), Z11
	VMOVDQU64 128(DX), Z12
	VMOVDQU64 192(DX), Z13
	VMOVDQU64 256(DX), Z14
	VMOVDQU64 320(DX), Z15
	VMOVDQU64 384(DX), Z16
	VMOVDQU64 448(DX), Z17
	VMOVDQU64 512(DX), Z18

loop512:
	VMOVDQU64 0(SI), Z23
	VPUNPCKHQDQ 64(SI), Z23, Z24
	VPUNPCKLQDQ 64(SI), Z23, Z23
	ABSORB(VPANDQ, VPORQ, Z23, Z24, Z21, Z19, Z20, Z0, Z1, Z2, Z3, Z4)
	ADDQ $128, SI
	SUBQ $128, CX
	JZ last512
	MULCARRY(VPANDQ, Z0, Z1, Z2, Z3, Z4, Z10, Z11, Z12, Z13, Z14, Z15, Z16, Z17, Z18, Z5, Z6, Z7, Z8, Z9, Z21, Z22, Z19)
	JMP loop512

last512:
	VMOVDQU64 576(DX), Z10
	VMOVDQU64 640(DX), Z11
	VMOVDQU64 704(DX), Z12
	VMOVDQU64 768(DX), Z13
	VMOVDQU64 832(DX), Z14
	VMOVDQU64 896(DX), Z15
	VMOVDQU64 960(DX), Z16
	VMOVDQU64 1024(DX), Z17
	VMOVDQU64 1088(DX), Z18
	MULCARRY(VPANDQ, Z0, Z1, Z2, Z3, Z4, Z10, Z11, Z12, Z13, Z14, Z15, Z16, Z17, Z18, Z5, Z6, Z7, Z8, Z9, Z21, Z22, Z19)

	VEXTRACTI64X4 $1, Z0, Y5
	VPADDQ Y5, Y0, Y0
	VEXTRACTI64X4 $1, Z1, Y5
	VPADDQ Y5, Y1, Y1
	VEXTRACTI64X4 $1, Z2, Y5
	VPADDQ Y5, Y2, Y2
	VEXTRACTI64X4 $1, Z3, Y5
	VPADDQ Y5, Y3, Y3
	VEXTRACTI64X4 $1, Z4, Y5
	VPADDQ Y5, Y4, Y4
	HSUM4(Y0, X0, Y5, X5)
	HSUM4(Y1, X1, Y5, X5)
	HSUM4(Y2, X2, Y5, X5)
	HSUM4(Y3, X3, Y5, X5)
	HSUM4(Y4, X4, Y5, X5)
	VMOVQ X0, 0(DI)
	VMOVQ X1, 8(DI)
	VMOVQ X2, 16(DI)
	VMOVQ X3, 24(DI)
	VMOVQ X4, 32(DI)
	VZEROUPPER
	RET

// func blocksAVX2(h *limbs, k *vecKey, msg *byte, n int)
TEXT ·blocksAVX2(SB), NOSPLIT, $0-32
	MOVQ h+0(FP), DI
	MOVQ k+8(FP), BX
	MOVQ msg+16(FP), SI
	MOVQ n+24(FP), CX

	VPBROADCASTQ mask26<>(SB), Y12
	VPBROADCASTQ bit24<>(SB), Y13
	VMOVQ 0(DI), X0
	VMOVQ 8(DI), X1
	VMOVQ 16(DI), X2
	VMOVQ 24(DI), X3
	VMOVQ 32(DI), X4

loop256:
	VMOVDQU 0(SI), Y14
	VPUNPCKHQDQ 32(SI), Y14, Y15
	VPUNPCKLQDQ 32(SI), Y14, Y14
	ABSORB(VPAND, VPOR, Y14, Y15, Y10, Y12, Y13, Y0, Y1, Y2, Y3, Y4)
	ADDQ $64, SI
	SUBQ $64, CX
	JZ last256
	MULCARRY(VPAND, Y0, Y1, Y2, Y3, Y4, 0(BX), 64(BX), 128(BX), 192(BX), 256(BX), 320(BX), 384(BX), 448(BX), 512(BX), Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12)
	JMP loop256

last256:
	ADDQ $576, BX
	MULCARRY(VPAND, Y0, Y1, Y2, Y3, Y4, 0(BX), 64(BX), 128(BX), 192(BX), 256(BX), 320(BX), 384(BX), 448(BX), 512(BX), Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12)

	HSUM4(Y0, X0, Y5, X5)
	HSUM4(Y1, X1, Y5, X5)
	HSUM4(Y2, X2, Y5, X5)
	HSUM4(Y3, X3, Y5, X5)
	HSUM4(Y4, X4, Y5, X5)
	VMOVQ X0, 0(DI)
	VMOVQ X1, 8(DI)
	VMOVQ X2, 16(DI)
	VMOVQ X3, 24(DI)
	VMOVQ X4, 32(DI)
	VZEROUPPER
	RET
